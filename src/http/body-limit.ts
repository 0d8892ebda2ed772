import { Elysia } from "elysia";
import { errorBody } from "./errors.ts";

/**
 * Refuses an oversize body with 413 in contract A's shape before any handler
 * parses it. A declared Content-Length is checked up front. A chunked body has
 * no length, so a copy of its stream is counted up to the limit (memory stays
 * bounded by the limit); Bun's own, larger ceiling (listener.ts) is only a
 * backstop and answers without our error shape.
 */
export function bodyLimit(maxBytes: number) {
  const tooLarge = (size: string) =>
    new Response(JSON.stringify(errorBody("PAYLOAD_TOO_LARGE", `Request body is ${size}; the limit is ${maxBytes} bytes (MAX_BODY_SIZE)`)), {
      status: 413,
      headers: { "content-type": "application/json", connection: "close" },
    });
  // Chunked bodies are rare; only they pay for the async count, so the hot path stays synchronous.
  async function countChunked(request: Request): Promise<Response | undefined> {
    const reader = request.clone().body!.getReader();
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return tooLarge(`over ${maxBytes} bytes`);
      }
    }
  }
  return new Elysia({ name: "body-limit" }).onRequest(({ request }) => {
    const declared = request.headers.get("content-length");
    if (declared !== null) return Number(declared) > maxBytes ? tooLarge(`${declared} bytes`) : undefined;
    return request.body ? countChunked(request) : undefined;
  });
}
