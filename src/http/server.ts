import { Elysia, type AnyElysia } from "elysia";
import type { Logger } from "../platform/logger.ts";
import { authGate, type Credentials } from "./auth.ts";
import { bodyLimit } from "./body-limit.ts";
import { DOCS_PATHS } from "./docs.ts";
import { errorHandler } from "./error-handler.ts";
import { requestGuard } from "./request-guard.ts";

interface AppOptions {
  log: Logger;
  maxBodyBytes: number;
  plugins: readonly AnyElysia[];
  /** Checked once for every route, by what each declares (auth.ts). */
  credentials: Credentials;
  /** Routes mounted by libraries that cannot declare their security: public. Default: the docs UI's. */
  publicPaths?: readonly string[];
}

/**
 * Builds the app from the feature plugins a role needs. The error handler and the body limit come
 * first so they cover every route; the auth gate last, because it reads the finished route table (it
 * still runs first for every request: `onRequest` comes before the body is read).
 */
export function buildApp(opts: AppOptions): AnyElysia {
  // standardHostname off: Elysia would look for the path from the 11th character of the URL on, which
  // with a Host shorter than 4 characters lies inside the path and routes a shorter one (request-guard.ts).
  let app: AnyElysia = new Elysia({ handler: { standardHostname: false } }).use(errorHandler(opts.log)).use(requestGuard()).use(bodyLimit(opts.maxBodyBytes));
  for (const plugin of opts.plugins) app = app.use(plugin);
  const gate = authGate(app.routes, opts.credentials, opts.publicPaths ?? DOCS_PATHS);
  return app.onRequest(({ request }) => gate(request));
}
