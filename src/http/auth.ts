import { createHash, timingSafeEqual } from "node:crypto";
import type { AnyElysia } from "elysia";
import type { Logger } from "../platform/logger.ts";
import type { AuthFailures } from "./auth-failures.ts";
import { clientAddressOf } from "./client-address.ts";
import { targetOf } from "./request-guard.ts";
import { AppError, errorBody } from "./errors.ts";
import { grants, isScope, type Principal, type Scope } from "./scopes.ts";

/**
 * Who may call what, bound once for the whole app. Each route declares the OpenAPI security it needs
 * (`detail.security`, usually once per feature with `requires(...)`), with the scope an API key must hold
 * as the requirement's value. The gate reads those declarations from the app's route table and enforces
 * them in `onRequest`, before the body is read or parsed; a key limited to some sessions is checked in
 * `transform`, once the session id (path, query or body) is known. A route that declares nothing
 * needs the `admin` scope: forgetting to declare leaves a feature closed, not open.
 */

/** The credentials the gateway knows, by who presents them. */
export interface Credentials {
  /** API_KEY, the admin key (integrators, the dashboard, operators), or its SHA-256 (what secrets.env keeps). */
  integrator?: string | Uint8Array;
  /** BACKEND_AUTH_TOKEN: workers calling contract A. */
  worker?: string;
  /** Scoped keys the admin made (api-keys/). */
  keys?: { authenticate(presented: string): Principal | undefined };
}

type Who = "integrator" | "worker" | "public";

/** How a route that spans sessions treats a key limited to some: refused unless the route filters by `allowedSessions`. */
const SESSION_SCOPE = "x-session-scope";

/**
 * A feature's (or route's) `detail` for who may call it (a fresh copy: Elysia merges details in place).
 * `scope` is what a scoped API key needs (the admin key has every scope); `filtersSessions` marks a route
 * that spans sessions but narrows what it returns to the key's sessions itself.
 */
export function requires(who: Who, scope: Scope = "admin", opts: { filtersSessions?: boolean } = {}): { security: Record<string, string[]>[]; [SESSION_SCOPE]?: "filtered" } {
  const security: Record<string, string[]>[] = who === "integrator" ? [{ bearerAuth: [scope] }, { apiKeyHeader: [scope] }] : who === "worker" ? [{ workerToken: [] }] : [];
  return { security, ...(opts.filtersSessions && { [SESSION_SCOPE]: "filtered" as const }) };
}

type Scheme = "bearerAuth" | "apiKeyHeader" | "workerToken";

const sha256 = (s: string) => createHash("sha256").update(s).digest();

/** Constant time: both sides are hashed, so neither contents nor lengths leak through timing. */
function digestMatches(presented: string | undefined, expected: Uint8Array | undefined): boolean {
  if (!presented || !expected) return false;
  return timingSafeEqual(sha256(presented), expected);
}

/** The token from `Authorization: Bearer <token>` (scheme case-insensitive). */
function bearerToken(authorization: string | null | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return m?.[1];
}

interface Rule {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  /** Static segments: the more, the more specific (`/workers/register` beats `/workers/:id`). */
  readonly weight: number;
  /** Which schemes are accepted (any one suffices); none: public. */
  readonly schemes: ReadonlySet<Scheme>;
  /** The scope a scoped key needs. */
  readonly scope: Scope;
  readonly filtersSessions: boolean;
}

const toRule = (method: string, path: string, detail: RouteDetail | undefined, isPublic: boolean): Rule => {
  const segments = path.split("/").filter(Boolean);
  const source = segments.map((s) => (s.startsWith(":") ? "[^/]+" : s === "*" ? ".*" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
  const declared = isPublic ? [] : Array.isArray(detail?.security) ? detail.security : requires("integrator").security;
  const scopes = declared.flatMap((alt) => Object.values(alt).flat()).filter(isScope);
  return {
    method,
    path,
    pattern: new RegExp(`^/${source}/?$`),
    weight: segments.filter((s) => !s.startsWith(":") && s !== "*").length,
    schemes: new Set(declared.flatMap((alt) => Object.keys(alt) as Scheme[])),
    scope: scopes[0] ?? "admin",
    filtersSessions: detail?.[SESSION_SCOPE] === "filtered",
  };
};

type RouteDetail = { security?: Record<string, string[]>[]; [SESSION_SCOPE]?: string };

/** What a route in Elysia's route table says about itself. */
const detailOf = (route: AnyElysia["routes"][number]): RouteDetail | undefined => (route.hooks as { detail?: RouteDetail } | undefined)?.detail;

/** The principal of each request the gate let through, for the session check and for handlers that filter. */
const principals = new WeakMap<Request, Principal>();

/**
 * The sessions a request may see, for routes declared with `filtersSessions`: undefined means all of them.
 */
export const allowedSessions = (request: Request): readonly string[] | undefined => {
  const principal = principals.get(request);
  return principal?.kind === "key" ? principal.sessions : undefined;
};

/** For a filtering route that finds the session only as it reads (a job's session): 403 if the key may not touch it. */
export function requireSessionAccess(request: Request, sessionId: string): void {
  const allowed = allowedSessions(request);
  if (allowed && !allowed.includes(sessionId)) throw new AppError(403, "FORBIDDEN", `This API key may not touch session ${sessionId}`);
}

export interface GateOptions {
  credentials: Credentials;
  /** Routes mounted by libraries that cannot declare their security (the docs UI). */
  publicPaths?: readonly string[];
  /** Failed authentications per source; unset: not limited (tests that build an app by hand). */
  failures?: AuthFailures;
  log: Logger;
  /** Told of every request a key made (for the usage log), after the gate let it through. */
  onUse?: (principal: Principal, method: string, route: string, source: string) => void;
}

/** For logs: which credential a request used (a key's id, "admin", "worker"), never the credential itself. */
export const principalLabel = (p: Principal): string => (p.kind === "key" ? p.id : p.kind);

/** Who made a request the gate let through ("internal" for none, e.g. a route the gate does not guard). */
export const requestPrincipalLabel = (request: Request): string => {
  const principal = principals.get(request);
  return principal ? principalLabel(principal) : "internal";
};

/**
 * The gate for an app whose routes are all mounted. `onRequest` answers 401 (no or a wrong credential),
 * 403 (a key without the route's scope) or 429 (a source over its failed-authentication budget), in
 * contract A's error shape; `checkSessions` (in `transform`) answers 403 when a key limited to some sessions names another
 * (or none, on a route that spans sessions and does not filter).
 */
export function authGate(routes: AnyElysia["routes"], opts: GateOptions) {
  const { credentials, failures, log } = opts;
  const publicPaths = opts.publicPaths ?? [];
  const rules = routes.map((r) => toRule(r.method, r.path, detailOf(r), publicPaths.includes(r.path)));
  const workerDigest = credentials.worker ? sha256(credentials.worker) : undefined;
  const adminDigest = typeof credentials.integrator === "string" ? sha256(credentials.integrator) : credentials.integrator;
  // It runs on every request: the rules are grouped by method once, most specific first, so a lookup
  // tests only its method's patterns and stops at the first match.
  const byMethod = new Map<string, Rule[]>();
  for (const method of new Set(rules.map((r) => r.method))) {
    byMethod.set(method, rules.filter((r) => r.method === method || r.method === "ALL").sort((a, b) => b.weight - a.weight));
  }
  const anyMethod = rules.filter((r) => r.method === "ALL").sort((a, b) => b.weight - a.weight);
  const find = (method: string, path: string): Rule | undefined => (byMethod.get(method) ?? anyMethod).find((rule) => rule.pattern.test(path));
  const byRoute = new Map(rules.map((r) => [`${r.method} ${r.path}`, r]));

  const fail = (request: Request, path: string, source: string, presented: boolean): never => {
    const limited = failures?.record(source) ?? false;
    // The route and the address, never what was presented.
    log.warn({ source, method: request.method, path, reason: presented ? "invalid credential" : "no credential" }, "authentication failed");
    if (limited) log.warn({ source }, "too many failed authentications: this address is refused for a while");
    throw new AppError(401, "UNAUTHORIZED", presented ? "Invalid token" : "Missing Authorization: Bearer <token> header");
  };

  const integratorPrincipal = (token: string | undefined): Principal | undefined => {
    if (!token) return undefined;
    if (digestMatches(token, adminDigest)) return { kind: "admin" };
    return credentials.keys?.authenticate(token);
  };

  function onRequest(request: Request): Response | undefined {
    const method = request.method === "HEAD" ? "GET" : request.method;
    // The request guard has checked the URL; the path is what precedes the query.
    const target = targetOf(request.url) ?? "/";
    const query = target.indexOf("?");
    const path = query < 0 ? target : target.slice(0, query);
    const rule = find(method, path);
    // No route: the router answers 404, which tells nothing a caller could use.
    if (!rule || rule.schemes.size === 0) return;
    const source = clientAddressOf(request);
    const wait = failures?.retryAfter(source) ?? 0;
    if (wait > 0) {
      return Response.json(errorBody("TOO_MANY_AUTH_FAILURES", `Too many failed authentications from this address; retry in ${wait} s`), {
        status: 429,
        headers: { "retry-after": String(wait) },
      });
    }
    const bearer = bearerToken(request.headers.get("authorization"));
    const apiKeyHeader = request.headers.get("x-api-key") ?? undefined;
    let principal: Principal | undefined;
    if (rule.schemes.has("workerToken") && digestMatches(bearer, workerDigest)) principal = { kind: "worker" };
    else if (rule.schemes.has("bearerAuth") || rule.schemes.has("apiKeyHeader")) {
      principal = (rule.schemes.has("bearerAuth") ? integratorPrincipal(bearer) : undefined) ?? (rule.schemes.has("apiKeyHeader") ? integratorPrincipal(apiKeyHeader) : undefined);
    }
    if (!principal) return fail(request, path, source, Boolean(bearer || apiKeyHeader));
    if (principal.kind === "key" && !grants(principal.scopes, rule.scope)) {
      throw new AppError(403, "FORBIDDEN", `This API key lacks the ${rule.scope} scope that ${rule.method} ${rule.path} needs`);
    }
    principals.set(request, principal);
    if (principal.kind !== "worker") opts.onUse?.(principal, rule.method, rule.path, source);
    return;
  }

  /** Runs once the route has parsed its input: a key limited to some sessions may touch only those. */
  function checkSessions(ctx: { request: Request; route: string; params?: unknown; query?: unknown; body?: unknown }): void {
    const allowed = allowedSessions(ctx.request);
    if (!allowed) return;
    const sessionId = sessionIdIn(ctx.params) ?? sessionIdIn(ctx.query) ?? sessionIdIn(ctx.body);
    if (sessionId !== undefined) return requireSessionAccess(ctx.request, sessionId);
    const method = ctx.request.method === "HEAD" ? "GET" : ctx.request.method;
    if (!byRoute.get(`${method} ${ctx.route}`)?.filtersSessions) {
      throw new AppError(403, "FORBIDDEN", `This API key is limited to its sessions; ${method} ${ctx.route} spans every session (name one with sessionId where the route takes it)`);
    }
  }

  return { onRequest, checkSessions };
}

const sessionIdIn = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null || !("sessionId" in value)) return undefined;
  return typeof value.sessionId === "string" ? value.sessionId : undefined;
};
