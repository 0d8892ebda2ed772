import { Elysia, type AnyElysia } from "elysia";
import type { Logger } from "../platform/logger.ts";
import { AuthFailures } from "./auth-failures.ts";
import { authGate, type Credentials, type GateOptions } from "./auth.ts";
import { bodyLimit } from "./body-limit.ts";
import { DOCS_PATHS } from "./docs.ts";
import { errorHandler } from "./error-handler.ts";
import { requestGuard } from "./request-guard.ts";

interface AppOptions {
  log: Logger;
  maxBodyBytes: number;
  /** MAX_NON_MEDIA_BODY_SIZE; unset: maxBodyBytes on every route. */
  maxNonMediaBodyBytes?: number;
  /** MAX_INFLIGHT_BODY_SIZE; unset: no budget. */
  maxInflightBodyBytes?: number;
  plugins: readonly AnyElysia[];
  /** Checked once for every route, by what each declares (auth.ts). */
  credentials: Credentials;
  /** Routes mounted by libraries that cannot declare their security: public. Default: the docs UI's. */
  publicPaths?: readonly string[];
  /** Failed authentications a source may make per minute before it gets 429 (AUTH_FAILURES_PER_MINUTE). */
  authFailuresPerMinute?: number;
  onKeyUse?: GateOptions["onUse"];
}

/**
 * Builds the app from the feature plugins a role needs. The error handler and the body limit come
 * first so they cover every route; the auth gate last, because it reads the finished route table (it
 * still runs first for every request: `onRequest` comes before the body is read).
 */
export function buildApp(opts: AppOptions): AnyElysia {
  const bodies = bodyLimit({
    maxBytes: opts.maxBodyBytes,
    ...(opts.maxNonMediaBodyBytes !== undefined && { maxNonMediaBytes: opts.maxNonMediaBodyBytes }),
    ...(opts.maxInflightBodyBytes !== undefined && { maxInflightBytes: opts.maxInflightBodyBytes }),
  });
  // standardHostname off: Elysia would look for the path from the 11th character of the URL on, which
  // with a Host shorter than 4 characters lies inside the path and routes a shorter one (request-guard.ts).
  let app: AnyElysia = new Elysia({ handler: { standardHostname: false } }).use(errorHandler(opts.log)).use(requestGuard()).use(bodies.plugin);
  // Registered before the features so it covers their routes; it reads the gate, built once they are mounted.
  let gate: ReturnType<typeof authGate> | undefined;
  // onTransform: after the body is parsed, before it is validated, so a key gets its 403 for another
  // session whatever else is wrong with the request.
  app = app.onTransform({ as: "global" }, ({ request, route, params, query, body }) => gate?.checkSessions({ request, route, params, query, body }));
  for (const plugin of opts.plugins) app = app.use(plugin);
  bodies.routesMounted(app.routes);
  gate = authGate(app.routes, {
    credentials: opts.credentials,
    publicPaths: opts.publicPaths ?? DOCS_PATHS,
    ...(opts.authFailuresPerMinute !== undefined && { failures: new AuthFailures(opts.authFailuresPerMinute) }),
    log: opts.log,
    ...(opts.onKeyUse && { onUse: opts.onKeyUse }),
  });
  const { onRequest } = gate;
  return app.onRequest(({ request }) => onRequest(request));
}
