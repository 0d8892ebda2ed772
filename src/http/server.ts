import { Elysia, type AnyElysia } from "elysia";
import type { Logger } from "../platform/logger.ts";
import { bodyLimit } from "./body-limit.ts";
import { errorHandler } from "./error-handler.ts";

/**
 * Builds the app from the feature plugins a role needs. The error handler and
 * the body limit come first so they cover every route.
 */
export function buildApp(opts: { log: Logger; maxBodyBytes: number; plugins: readonly AnyElysia[] }): AnyElysia {
  let app: AnyElysia = new Elysia().use(errorHandler(opts.log)).use(bodyLimit(opts.maxBodyBytes));
  for (const plugin of opts.plugins) app = app.use(plugin);
  return app;
}
