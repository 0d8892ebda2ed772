import { Elysia, type AnyElysia } from "elysia";
import type { Logger } from "../platform/logger.ts";
import { bodyLimit, serverBodyCeiling } from "./body-limit.ts";
import { errorHandler } from "./error-handler.ts";

export interface HttpServer {
  app: AnyElysia;
  /** The bound port (useful with --port=0). */
  port: number;
  stop(): Promise<void>;
}

/**
 * Builds the app from the feature plugins a role needs. The error handler and
 * the body limit come first so they cover every route.
 */
export function buildApp(opts: { log: Logger; maxBodyBytes: number; plugins: readonly AnyElysia[] }): AnyElysia {
  let app: AnyElysia = new Elysia().use(errorHandler(opts.log)).use(bodyLimit(opts.maxBodyBytes));
  for (const plugin of opts.plugins) app = app.use(plugin);
  return app;
}

export function startHttpServer(app: AnyElysia, opts: { host: string; port: number; maxBodyBytes: number; log: Logger }): HttpServer {
  app.listen({ hostname: opts.host, port: opts.port, maxRequestBodySize: serverBodyCeiling(opts.maxBodyBytes) });
  const server = app.server;
  if (!server) throw new Error("HTTP server did not start");
  opts.log.info({ host: opts.host, port: server.port }, "HTTP server listening");
  return {
    app,
    port: server.port ?? opts.port,
    // Stop accepting new connections, let in-flight requests finish.
    stop: async () => {
      await server.stop(false);
    },
  };
}
