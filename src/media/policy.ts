import { type HostRules, vetHost } from "./host.ts";
import { checkBase64, type MediaProblem, parseMedia } from "./source.ts";

/** How media in a SEND_MEDIA job is vetted; the API, the job intake and the download apply the same policy. */
export interface MediaPolicy extends HostRules {
  /** Largest media, in bytes (decoded base64, or a download). */
  maxBytes: number;
}

/**
 * Checks `media` before a job carries it: an http(s) URL whose host resolves
 * only to public addresses (unless allowed), or base64 (plain or a data: URL)
 * that decodes and fits the size limit. Returns the problem, or undefined.
 *
 * The DNS check here gives the integrator a fast, clear refusal; the worker
 * that downloads (download.ts) resolves once more and connects only to the
 * addresses it checked then, since a name can resolve differently each time.
 */
export async function checkMedia(media: string, policy: MediaPolicy): Promise<MediaProblem | undefined> {
  const source = parseMedia(media);
  if ("code" in source) return source;
  if (source.kind === "base64") return checkBase64(source.encoded, policy.maxBytes);
  if (policy.allowPrivateUrls) return undefined;
  const vetted = await vetHost(source.url, policy);
  return "code" in vetted ? vetted : undefined;
}
