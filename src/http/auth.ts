import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "./errors.ts";

/**
 * Compares a presented token with the expected one in constant time. Both are
 * hashed first so that neither their contents nor their lengths leak through
 * timing. An empty expected token never matches: a missing secret must not turn
 * into "no auth".
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  return digestMatches(presented, expected ? sha256(expected) : undefined);
}

const sha256 = (s: string) => createHash("sha256").update(s).digest();

function digestMatches(presented: string | undefined, expected: Buffer | undefined): boolean {
  if (!presented || !expected) return false;
  return timingSafeEqual(sha256(presented), expected);
}

/** The token from `Authorization: Bearer <token>` (scheme case-insensitive). */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return m?.[1];
}

interface HeaderContext {
  headers: Record<string, string | undefined>;
}

/**
 * A hook that refuses the request with 401 unless it carries the token. Mount it
 * with `.onTransform(requireToken(...))` in a feature's Elysia instance: that
 * runs before body validation, so an unauthenticated caller learns nothing about
 * the schema. `acceptApiKeyHeader` also takes `X-API-Key: <token>`, which
 * integrator tools often prefer.
 */
export function requireToken(expected: string, opts: { acceptApiKeyHeader?: boolean } = {}) {
  // Hashed once here, not on every request.
  const expectedDigest = expected ? sha256(expected) : undefined;
  return ({ headers }: HeaderContext): void => {
    const presented = bearerToken(headers.authorization) ?? (opts.acceptApiKeyHeader ? headers["x-api-key"] : undefined);
    if (!digestMatches(presented, expectedDigest)) {
      throw new AppError(401, "UNAUTHORIZED", presented ? "Invalid token" : "Missing Authorization: Bearer <token> header");
    }
  };
}
