import { checkPublicHost, type Resolver } from "../net/public-host.ts";

/** How media in a SEND_MEDIA job is vetted; the API and the job intake apply the same policy. */
export interface MediaPolicy {
  /** Largest decoded base64 media, in bytes. */
  maxBytes: number;
  /** Let media URLs point at private/loopback/link-local hosts (a lab, or the WhatsApp simulator). */
  allowPrivateUrls: boolean;
  /** DNS resolution, replaceable in tests; all addresses of the host. */
  resolve?: Resolver;
}

export type MediaProblemCode = "MEDIA_INVALID" | "MEDIA_TOO_LARGE" | "MEDIA_URL_FORBIDDEN" | "MEDIA_URL_UNRESOLVABLE";

export interface MediaProblem {
  code: MediaProblemCode;
  message: string;
}

const DATA_URL = /^data:[^,;]*(;[^,;]*)*;base64,/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/;

/**
 * Checks `media` before a job carries it: an http(s) URL whose host resolves
 * only to public addresses (unless allowed), or base64 (plain or a data: URL)
 * that decodes and fits the size limit. Returns the problem, or undefined.
 *
 * The DNS check here gives the integrator a fast, clear refusal; the worker
 * that downloads must still connect only to the addresses it checked, since a
 * name can resolve differently a second time.
 */
export async function checkMedia(media: string, policy: MediaPolicy): Promise<MediaProblem | undefined> {
  if (/^https?:\/\//i.test(media)) return checkUrl(media, policy);
  if (DATA_URL.test(media)) return checkBase64(media.replace(DATA_URL, ""), policy.maxBytes);
  if (SCHEME.test(media)) return { code: "MEDIA_INVALID", message: "must be an http(s) URL or base64; other URL schemes are not fetched" };
  return checkBase64(media, policy.maxBytes);
}

function checkBase64(encoded: string, maxBytes: number): MediaProblem | undefined {
  const compact = encoded.replace(/[\r\n]/g, "");
  const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
  const bytes = Math.floor((compact.length * 3) / 4) - padding;
  if (bytes > maxBytes) return { code: "MEDIA_TOO_LARGE", message: `decodes to ${bytes} bytes; the limit is ${maxBytes} bytes (MAX_MEDIA_SIZE)` };
  const validLength = compact.length % 4 === 0 || (padding === 0 && compact.length % 4 !== 1);
  if (compact.length === 0 || !validLength || !BASE64.test(compact)) {
    return { code: "MEDIA_INVALID", message: "must be an http(s) URL or valid base64 (plain or a data: URL)" };
  }
  return undefined;
}

async function checkUrl(raw: string, policy: MediaPolicy): Promise<MediaProblem | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: "MEDIA_INVALID", message: "is not a valid URL" };
  }
  if (policy.allowPrivateUrls) return undefined;
  const host = await checkPublicHost(url.hostname, policy.resolve);
  if (host.ok) return undefined;
  if (host.reason === "unresolvable") return { code: "MEDIA_URL_UNRESOLVABLE", message: host.message };
  return { code: "MEDIA_URL_FORBIDDEN", message: `${host.message}; media URLs must be public unless ALLOW_PRIVATE_MEDIA_URLS is set` };
}
