import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Scoped API keys made by the admin. The key itself is never stored: `hash` is a keyed hash of it (HMAC
 * under DATA_KEY, see key-hash.ts), looked up on every request, so revoking a row takes effect at once.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The key's first characters, shown in lists so a user can tell keys apart. */
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull().unique(),
    /** JSON array of scopes (api-keys/scopes.ts). */
    scopes: text("scopes").notNull(),
    /** JSON array of the session ids the key may touch; null: every session. */
    sessions: text("sessions"),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_created_idx").on(t.createdAt)],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;
