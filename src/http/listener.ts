import type { Server } from "bun";
import { noteClientAddress } from "./client-address.ts";
import { errorBody } from "./errors.ts";

export interface Listener {
  /** The bound port (useful with --port=0). */
  port: number;
  /** Hands every request to the assembled app from now on. */
  serve(handler: (request: Request) => Response | Promise<Response>): void;
  /** Stops accepting connections; in-flight requests finish. */
  stop(): Promise<void>;
}

/** Bun's hard ceiling on bodies: far above the limit, so the app's own check (with its clear 413) is what answers. */
function serverBodyCeiling(maxBytes: number): number {
  return Math.max(maxBytes * 4, 256 * 1024 * 1024);
}

/**
 * Binds the port before the app is loaded: a port in use fails at once, and
 * liveness (`/health`, "starting") answers within milliseconds of spawn while
 * Redis, SQLite and the API come up. Everything else gets 503 STARTING with
 * Retry-After until `serve` swaps the real app in (`server.reload`), so a load
 * balancer going by `/ready` never sends traffic early.
 */
export function listen(opts: { host: string; port: number; maxBodyBytes: number; version: string; role: string }): Listener {
  const startedAt = performance.now();
  const starting = (request: Request): Response => {
    if (new URL(request.url).pathname === "/health") {
      return Response.json({ status: "starting", version: opts.version, role: opts.role, uptime: Math.round((performance.now() - startedAt) / 1000) });
    }
    return Response.json(errorBody("STARTING", "wa-gateway is starting; retry shortly"), { status: 503, headers: { "retry-after": "1" } });
  };
  const server: Server<undefined> = Bun.serve({ hostname: opts.host, port: opts.port, maxRequestBodySize: serverBodyCeiling(opts.maxBodyBytes), fetch: starting });
  return {
    port: server.port ?? opts.port,
    serve: (handler) =>
      void server.reload({
        fetch: (request, bun) => {
          noteClientAddress(request, bun);
          return handler(request);
        },
      }),
    stop: () => server.stop(false),
  };
}
