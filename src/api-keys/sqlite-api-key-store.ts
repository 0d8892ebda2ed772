import { and, desc, eq, isNull } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { ApiKeyStore, StoredApiKey } from "./api-key-store.ts";
import { apiKeys, type ApiKeyRow } from "./schema.ts";
import { isScope } from "../http/scopes.ts";

/** The `api_keys` table in the coordinator's SQLite file. */
export class SqliteApiKeyStore implements ApiKeyStore {
  constructor(private readonly orm: BunSQLiteDatabase) {}

  insert(key: StoredApiKey & { hash: string }): void {
    this.orm
      .insert(apiKeys)
      .values({
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        hash: key.hash,
        scopes: JSON.stringify(key.scopes),
        sessions: key.sessions ? JSON.stringify(key.sessions) : null,
        createdAt: key.createdAt,
      })
      .run();
  }

  findActiveByHash(hash: string): StoredApiKey | undefined {
    const row = this.orm.select().from(apiKeys).where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt))).get();
    return row && toKey(row);
  }

  get(id: string): StoredApiKey | undefined {
    const row = this.orm.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    return row && toKey(row);
  }

  list(): StoredApiKey[] {
    return this.orm.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all().map(toKey);
  }

  revoke(id: string, at: number): boolean {
    return this.orm.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id }).all().length > 0;
  }
}

function toKey(row: ApiKeyRow): StoredApiKey {
  // Written only by insert() above from validated input; a scope this version does not know is dropped, not granted.
  const scopes = (JSON.parse(row.scopes) as string[]).filter(isScope);
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes,
    ...(row.sessions !== null && { sessions: JSON.parse(row.sessions) as string[] }),
    createdAt: row.createdAt,
    ...(row.revokedAt !== null && { revokedAt: row.revokedAt }),
  };
}
