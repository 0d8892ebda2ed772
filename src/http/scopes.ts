/**
 * What a scoped API key may do. Routes declare the one scope they need (http/auth.ts `requires`); the
 * admin key (API_KEY) holds every scope. `admin` implies every other scope, and `sessions:manage`
 * implies `sessions:read`: whoever may start or delete a session may also look at it.
 */
export const SCOPES = ["sessions:read", "sessions:manage", "messages:send", "webhooks:manage", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

const IMPLIED: Partial<Record<Scope, readonly Scope[]>> = {
  admin: SCOPES,
  "sessions:manage": ["sessions:read"],
};

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

/** Whether a key holding `held` may use a route that needs `needed`. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.some((scope) => scope === needed || (IMPLIED[scope]?.includes(needed) ?? false));
}

/** Who a request is, once the gate has let it through. */
export type Principal =
  | { kind: "admin" }
  | { kind: "worker" }
  /** A scoped key: `sessions` undefined means every session. */
  | { kind: "key"; id: string; name: string; scopes: readonly Scope[]; sessions?: readonly string[] };
