import { randomBytes } from "node:crypto";
import { AppError } from "../http/errors.ts";
import type { Principal, Scope } from "../http/scopes.ts";
import type { ApiKeyStore, StoredApiKey } from "./api-key-store.ts";
import { keyHasher } from "./key-hash.ts";

/** Every scoped key starts so, which tells it from the admin key and the worker token at a glance (and in a leak scan). */
const KEY_PREFIX = "wag_";
/** How much of a key lists show: enough to tell keys apart, far too little to guess the rest. */
const SHOWN_CHARS = KEY_PREFIX.length + 6;

export interface NewApiKey {
  name: string;
  scopes: Scope[];
  sessions?: string[];
}

/** Scoped API keys: made, listed and revoked by the admin; checked by the auth gate on every request. */
export class ApiKeyService {
  private readonly hash: (key: string) => string;

  constructor(
    private readonly store: ApiKeyStore,
    dataKey: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {
    this.hash = keyHasher(dataKey);
  }

  /** The key itself is returned this once; only its hash is kept. */
  create(input: NewApiKey): { key: string; stored: StoredApiKey } {
    const key = `${KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
    const stored: StoredApiKey = {
      id: `key_${randomBytes(8).toString("hex")}`,
      name: input.name,
      prefix: key.slice(0, SHOWN_CHARS),
      // Sorted and unique, so that two keys with the same grants read the same.
      scopes: [...new Set(input.scopes)].sort(),
      ...(input.sessions && { sessions: [...new Set(input.sessions)].sort() }),
      createdAt: this.now(),
    };
    this.store.insert({ ...stored, hash: this.hash(key) });
    return { key, stored };
  }

  list(): StoredApiKey[] {
    return this.store.list();
  }

  get(id: string): StoredApiKey {
    return this.store.get(id) ?? notFound(id);
  }

  /** Revoked at once: the gate reads the store on every request. Revoking twice is not an error. */
  revoke(id: string): StoredApiKey {
    this.store.revoke(id, this.now());
    return this.get(id);
  }

  /** The principal a presented key stands for, if it is a live scoped key. */
  authenticate(presented: string): Principal | undefined {
    if (!presented.startsWith(KEY_PREFIX)) return undefined;
    const key = this.store.findActiveByHash(this.hash(presented));
    return key && { kind: "key", id: key.id, name: key.name, scopes: key.scopes, ...(key.sessions && { sessions: key.sessions }) };
  }
}

function notFound(id: string): never {
  throw new AppError(404, "API_KEY_NOT_FOUND", `No API key ${id}`);
}
