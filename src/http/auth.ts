import { createHash, timingSafeEqual } from "node:crypto";
import type { AnyElysia } from "elysia";
import { AppError } from "./errors.ts";

/**
 * Who may call what, bound once for the whole app. Each route declares the OpenAPI security it needs
 * (`detail.security`, usually once per feature with `requires(...)`); the gate reads those declarations
 * from the app's route table and enforces them in `onRequest`, before the body is read or parsed. A route
 * that declares nothing needs the integrator key: forgetting to declare leaves a feature closed, not open.
 */

/** The credentials the gateway knows, by who presents them. */
export interface Credentials {
  /** API_KEY: integrators, the dashboard, operators. */
  integrator?: string;
  /** BACKEND_AUTH_TOKEN: workers calling contract A. */
  worker?: string;
}

/** OpenAPI security requirements (alternatives: any one suffices) for each kind of caller. */
const SECURITY: Record<"integrator" | "worker" | "public", Record<string, string[]>[]> = {
  integrator: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
  worker: [{ workerToken: [] }],
  public: [],
};

/** A feature's (or route's) `detail` for who may call it (a fresh copy: Elysia merges details in place). */
export const requires = (who: keyof typeof SECURITY): { security: Record<string, string[]>[] } => ({ security: SECURITY[who].map((alt) => ({ ...alt })) });

type Scheme = "bearerAuth" | "apiKeyHeader" | "workerToken";

const sha256 = (s: string) => createHash("sha256").update(s).digest();

/** Constant time: both sides are hashed, so neither contents nor lengths leak through timing. */
function digestMatches(presented: string | undefined, expected: Buffer | undefined): boolean {
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
  readonly pattern: RegExp;
  /** Static segments: the more, the more specific (`/workers/register` beats `/workers/:id`). */
  readonly weight: number;
  /** Alternatives, each a list of schemes that must all hold; empty: public. */
  readonly alternatives: readonly Scheme[][];
}

const toRule = (method: string, path: string, security: unknown): Rule => {
  const segments = path.split("/").filter(Boolean);
  const source = segments.map((s) => (s.startsWith(":") ? "[^/]+" : s === "*" ? ".*" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
  const declared = Array.isArray(security) ? (security as Record<string, unknown>[]) : SECURITY.integrator;
  return {
    method,
    pattern: new RegExp(`^/${source}/?$`),
    weight: segments.filter((s) => !s.startsWith(":") && s !== "*").length,
    alternatives: declared.map((alt) => Object.keys(alt) as Scheme[]),
  };
};

/** What a route in Elysia's route table says about itself. */
const securityOf = (route: AnyElysia["routes"][number]): unknown => (route.hooks as { detail?: { security?: unknown } } | undefined)?.detail?.security;

/**
 * The gate for an app whose routes are all mounted: an `onRequest` hook that answers 401 (contract A's
 * error shape, through the one error handler) unless the request carries what its route declares.
 * `publicPaths` are routes mounted by libraries that cannot declare security (the docs UI).
 */
export function authGate(routes: AnyElysia["routes"], credentials: Credentials, publicPaths: readonly string[] = []) {
  const rules = routes.map((r) => toRule(r.method, r.path, publicPaths.includes(r.path) ? SECURITY.public : securityOf(r)));
  const expected: Record<Scheme, Buffer | undefined> = {
    bearerAuth: credentials.integrator ? sha256(credentials.integrator) : undefined,
    apiKeyHeader: credentials.integrator ? sha256(credentials.integrator) : undefined,
    workerToken: credentials.worker ? sha256(credentials.worker) : undefined,
  };
  // It runs on every request: the rules are grouped by method once, most specific first, so a lookup
  // tests only its method's patterns and stops at the first match.
  const byMethod = new Map<string, Rule[]>();
  for (const method of new Set(rules.map((r) => r.method))) {
    byMethod.set(method, rules.filter((r) => r.method === method || r.method === "ALL").sort((a, b) => b.weight - a.weight));
  }
  const anyMethod = rules.filter((r) => r.method === "ALL").sort((a, b) => b.weight - a.weight);
  const find = (method: string, path: string): Rule | undefined => (byMethod.get(method) ?? anyMethod).find((rule) => rule.pattern.test(path));
  return (request: Request): void => {
    const method = request.method === "HEAD" ? "GET" : request.method;
    const rule = find(method, new URL(request.url).pathname);
    // No route: the router answers 404, which tells nothing a caller could use.
    if (!rule || rule.alternatives.length === 0) return;
    const bearer = bearerToken(request.headers.get("authorization"));
    const presented: Record<Scheme, string | undefined> = { bearerAuth: bearer, workerToken: bearer, apiKeyHeader: request.headers.get("x-api-key") ?? undefined };
    if (rule.alternatives.some((schemes) => schemes.every((s) => digestMatches(presented[s], expected[s])))) return;
    throw new AppError(401, "UNAUTHORIZED", bearer || presented.apiKeyHeader ? "Invalid token" : "Missing Authorization: Bearer <token> header");
  };
}
