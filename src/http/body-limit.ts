import { Elysia } from "elysia";
import { errorBody } from "./errors.ts";

/**
 * Refuses an oversize body from its Content-Length before anything reads it.
 * A chunked body has no length up front; Bun's maxRequestBodySize (set to the
 * same limit in server.ts) stops those while they stream.
 */
export function bodyLimit(maxBytes: number) {
  return new Elysia({ name: "body-limit" }).onRequest(({ request, set }) => {
    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > maxBytes) {
      set.status = 413;
      set.headers["content-type"] = "application/json";
      set.headers.connection = "close";
      return errorBody("PAYLOAD_TOO_LARGE", `Request body is ${length} bytes; the limit is ${maxBytes} bytes (MAX_BODY_SIZE)`);
    }
  });
}
