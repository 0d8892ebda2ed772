import { Elysia, type AnyElysia } from "elysia";
import { AppError } from "./errors.ts";

/**
 * A route's `detail` marker: this route takes media uploads (base64 in the body), so the whole
 * MAX_BODY_SIZE applies to it. Every other route gets the small MAX_NON_MEDIA_BODY_SIZE, so a caller
 * cannot make the gateway hold 25 MB for a route that needs a few hundred bytes. It is an OpenAPI
 * extension: the document says which operations take the large limit.
 */
export const TAKES_MEDIA = { "x-body-limit": "MAX_BODY_SIZE" } as const;

export interface BodyLimits {
  /** MAX_BODY_SIZE: the largest body any route accepts, and the limit of the routes marked TAKES_MEDIA. */
  maxBytes: number;
  /** MAX_NON_MEDIA_BODY_SIZE, for every other route. Unset: maxBytes (an app built with one limit). */
  maxNonMediaBytes?: number;
  /** MAX_INFLIGHT_BODY_SIZE: body bytes all requests together may hold at once. Unset: no budget. */
  maxInflightBytes?: number;
}

/** The one answer to an over-limit body: 413 in contract A's shape, and close, since the rest of the body is not read. */
const tooLarge = (size: string, limit: number, setting: string) =>
  new AppError(413, "PAYLOAD_TOO_LARGE", `Request body is ${size}; the limit is ${limit} bytes (${setting})`, { connection: "close" });

/**
 * Bounds what request bodies can make the gateway hold. The body is read once, by this plugin's parse
 * hook (after routing and after the auth gate, so an unauthenticated caller never gets a byte read):
 * every chunk is counted as it arrives, so a body over its route's limit, with a Content-Length or
 * chunked, gets 413 as soon as the limit is passed, with only the limit buffered. Bodies also draw on a
 * global in-flight budget: a declared length is reserved whole before the first byte is read, a chunked
 * body chunk by chunk, and what would pass the budget gets 429 with Retry-After instead of waiting in
 * a queue; a request gives its reservation back once its response is made.
 *
 * Every route takes JSON, so a JSON body is parsed and any other is handed on as text (which a route's
 * schema then refuses, naming the body). The request object is never replaced: whoever keyed something
 * on it (the client address) still finds it.
 */
export function bodyLimit(limits: BodyLimits) {
  const nonMedia = Math.min(limits.maxNonMediaBytes ?? limits.maxBytes, limits.maxBytes);
  const budget = limits.maxInflightBytes === undefined ? undefined : new InflightBudget(limits.maxInflightBytes);
  const held = new WeakMap<Request, number>();
  let mediaRoutes: ReadonlySet<string> = new Set();

  const limitOf = (method: string, route: string): [number, string] =>
    mediaRoutes.has(`${method} ${route}`) ? [limits.maxBytes, "MAX_BODY_SIZE"] : [nonMedia, "MAX_NON_MEDIA_BODY_SIZE"];

  const reserve = (request: Request, bytes: number): void => {
    if (!budget) return;
    if (!budget.take(bytes)) {
      throw new AppError(429, "BODY_BUDGET_EXHAUSTED", "The gateway holds as many request bodies as it may (MAX_INFLIGHT_BODY_SIZE); retry shortly", { "retry-after": "1", connection: "close" });
    }
    held.set(request, (held.get(request) ?? 0) + bytes);
  };

  /**
   * The body to parse. With a Content-Length, the request itself: Bun reads exactly that many bytes (HTTP
   * framing), so once the declared length passed the check there is nothing to count, and the common
   * request keeps Bun's native path. Chunked, the body as it arrives, counted chunk by chunk.
   */
  function counted(request: Request, route: string): Request | Response {
    const [limit, setting] = limitOf(request.method, route);
    const declared = request.headers.get("content-length");
    if (declared !== null) {
      if (Number(declared) > limit) throw tooLarge(`${declared} bytes`, limit, setting);
      reserve(request, Number(declared));
      return request;
    }
    let size = 0;
    // Bun's own parser reads the counted stream: a copy fewer than joining the chunks in JavaScript.
    return new Response(
      request.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            size += chunk.byteLength;
            if (size > limit) throw tooLarge(`over ${limit} bytes`, limit, setting);
            reserve(request, chunk.byteLength);
            controller.enqueue(chunk);
          },
        }),
      ),
    );
  }

  const plugin = new Elysia({ name: "body-limit" })
    // Any route, before routing: a declared length no route accepts is refused without reading it.
    .onRequest(({ request }) => {
      const declared = request.headers.get("content-length");
      if (declared !== null && Number(declared) > limits.maxBytes) throw tooLarge(`${declared} bytes`, limits.maxBytes, "MAX_BODY_SIZE");
    })
    .onParse({ as: "global" }, async ({ request, route }, contentType) => {
      // Elysia reads no body without a content type either; an empty body has no stream.
      if (!contentType || !request.body) return undefined;
      const body = counted(request, route);
      return contentType === "application/json" ? body.json() : body.text();
    })
    .onAfterResponse({ as: "global" }, ({ request }) => {
      const bytes = held.get(request);
      if (bytes === undefined) return;
      held.delete(request);
      budget?.give(bytes);
    });

  return {
    plugin,
    /** Reads which routes are marked TAKES_MEDIA, once every feature is mounted. */
    routesMounted(routes: AnyElysia["routes"]): void {
      mediaRoutes = new Set(routes.filter((r) => (r.hooks as { detail?: Record<string, unknown> }).detail?.["x-body-limit"] === TAKES_MEDIA["x-body-limit"]).map((r) => `${r.method} ${r.path}`));
    },
  };
}

/** Bytes reserved against a fixed capacity; a reservation that does not fit is refused, never queued. */
class InflightBudget {
  private used = 0;
  constructor(private readonly capacity: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
