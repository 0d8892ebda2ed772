import type { Scope } from "../http/scopes.ts";

/** A scoped key as stored: never the key itself, only its keyed hash. */
export interface StoredApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  /** The session ids it may touch; undefined: every session. */
  sessions?: string[];
  createdAt: number;
  revokedAt?: number;
}

/**
 * All storage of the `api_keys` table, and its only writer (tests/platform/single-writer). The gate reads
 * `findActiveByHash` on every request made with a scoped key, so a revocation is seen by the next request.
 */
export interface ApiKeyStore {
  insert(key: StoredApiKey & { hash: string }): void;
  findActiveByHash(hash: string): StoredApiKey | undefined;
  get(id: string): StoredApiKey | undefined;
  /** Newest first, revoked ones included (they say when). */
  list(): StoredApiKey[];
  /** False if there is no such key or it was already revoked. */
  revoke(id: string, at: number): boolean;
}
