import type { StoredApiKey } from "./api-key-store.ts";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** A key as the API shows it: never its hash. */
export const apiKeyView = (k: StoredApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: [...k.scopes],
  sessions: k.sessions ? [...k.sessions] : null,
  createdAt: new Date(k.createdAt).toISOString(),
  revokedAt: iso(k.revokedAt),
});
