import { Elysia } from "elysia";
import { AppError } from "./errors.ts";

/**
 * Bun refuses a request head (request line and headers) larger than this itself, with a bare 431 and
 * before any JavaScript runs; its default is 16 KiB. The flag raises it so that the limits below, which
 * answer in contract A's shape, are what a caller meets: build.ts bakes the flag into the binary,
 * scripts/start.sh and the tests pass it to `bun src/main.ts`, and a re-run (main.ts) inherits it.
 */
const BUN_HEAD_CEILING = 128 * 1024;
export const BUN_HEAD_FLAG = `--max-http-header-size=${BUN_HEAD_CEILING}`;

/** The longest request target (path and query) the gateway reads; the longest real one is well under 1 KiB. */
const MAX_TARGET_BYTES = 8 * 1024;
/** The largest set of headers the gateway reads: Bun's default ceiling, so nothing that passed before is refused now. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Checks the request line and headers before anything else reads them, so a malformed or oversize head
 * gets a 4xx in contract A's shape rather than a 500 or Bun's bare answer. A Host header Bun cannot make
 * a URL of (empty, `a/b`, a port past 65535) leaves `request.url` a bare path that every
 * `new URL(request.url)` downstream would throw on.
 */
export function requestGuard() {
  return new Elysia({ name: "request-guard" }).onRequest(({ request }) => {
    const target = targetOf(request.url);
    if (target === undefined) throw new AppError(400, "BAD_REQUEST", "The Host header is missing or is not a host[:port]");
    if (target.length > MAX_TARGET_BYTES) {
      throw new AppError(414, "URI_TOO_LONG", `The request target is longer than ${MAX_TARGET_BYTES} bytes`, { connection: "close" });
    }
    let headerBytes = 0;
    // As on the wire: "name: value\r\n".
    for (const [name, value] of request.headers) headerBytes += name.length + value.length + 4;
    if (headerBytes > MAX_HEADER_BYTES) throw new AppError(431, "HEADERS_TOO_LARGE", `The request headers are larger than ${MAX_HEADER_BYTES} bytes`, { connection: "close" });
  });
}

/**
 * The request target (path and query) of a request URL, or undefined if it is no URL. It runs on every
 * request: Bun hands an absolute http(s) URL for a usable Host, so the target is what follows the
 * authority, found without a URL parse; anything else is parsed to tell.
 */
export function targetOf(url: string): string | undefined {
  const scheme = url.startsWith("http://") ? 7 : url.startsWith("https://") ? 8 : -1;
  const slash = scheme < 0 ? -1 : url.indexOf("/", scheme);
  const authority = slash < 0 ? undefined : PLAIN_AUTHORITY.exec(url.slice(scheme, slash));
  if (authority && Number(authority[1] ?? 0) <= 65_535) return url.slice(slash);
  const parsed = URL.parse(url);
  return parsed ? parsed.pathname + parsed.search : undefined;
}

/** host[:port] as Bun writes a usable one: a name or an IPv4 address, or a bracketed IPv6 address. */
const PLAIN_AUTHORITY = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
