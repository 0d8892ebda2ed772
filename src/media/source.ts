/** Why a `media` value cannot be sent as it is. */
type MediaProblemCode = "MEDIA_INVALID" | "MEDIA_TOO_LARGE" | "MEDIA_URL_FORBIDDEN" | "MEDIA_URL_UNRESOLVABLE";

export interface MediaProblem {
  code: MediaProblemCode;
  message: string;
}

/** What a SEND_MEDIA `media` string holds: a URL to download, or inline base64 (with a data: URL's media type). */
type MediaSource = { kind: "url"; url: URL } | { kind: "base64"; encoded: string; mimetype?: string };

const DATA_URL = /^data:([^,;]*(?:;[^,;]*)*);base64,/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/;

/** Tells a URL from base64 (plain or a data: URL); other schemes are refused rather than read as base64. */
export function parseMedia(media: string): MediaSource | MediaProblem {
  if (/^https?:\/\//i.test(media)) {
    try {
      return { kind: "url", url: new URL(media) };
    } catch {
      return { code: "MEDIA_INVALID", message: "is not a valid URL" };
    }
  }
  const dataUrl = DATA_URL.exec(media);
  if (dataUrl) return { kind: "base64", encoded: media.slice(dataUrl[0].length), mimetype: dataUrl[1]?.trim() || undefined };
  if (SCHEME.test(media)) return { code: "MEDIA_INVALID", message: "must be an http(s) URL or base64; other URL schemes are not fetched" };
  return { kind: "base64", encoded: media };
}

/** Checks base64 (standard or URL-safe, line breaks allowed) and its decoded size, without decoding it. */
export function checkBase64(encoded: string, maxBytes: number): MediaProblem | undefined {
  const compact = encoded.replace(/[\r\n]/g, "");
  const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
  const bytes = Math.floor((compact.length * 3) / 4) - padding;
  if (bytes > maxBytes) return tooLarge(`decodes to ${bytes} bytes`, maxBytes);
  const validLength = compact.length % 4 === 0 || (padding === 0 && compact.length % 4 !== 1);
  if (compact.length === 0 || !validLength || !BASE64.test(compact)) {
    return { code: "MEDIA_INVALID", message: "must be an http(s) URL or valid base64 (plain or a data: URL)" };
  }
  return undefined;
}

export function tooLarge(what: string, maxBytes: number): MediaProblem {
  return { code: "MEDIA_TOO_LARGE", message: `${what}; the limit is ${maxBytes} bytes (MAX_MEDIA_SIZE)` };
}
