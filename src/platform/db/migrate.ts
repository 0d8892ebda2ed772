import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import type { EmbeddedMigration } from "./embedded-migration.ts";

/**
 * Applies the embedded migrations in one transaction. It keeps drizzle's own
 * bookkeeping table and rules (a migration applies when its journal time is
 * newer than the last applied one), so drizzle-kit tooling reads the same
 * history; drizzle's file-reading migrator cannot see into the binary.
 */
export function applyMigrations(sqlite: Database, migrations: readonly EmbeddedMigration[]): number {
  sqlite.run(`CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const last = sqlite.query<{ created_at: number }, []>(`SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1`).get();
  const pending = [...migrations].sort((a, b) => a.when - b.when).filter((m) => !last || Number(last.created_at) < m.when);
  sqlite.transaction(() => {
    for (const m of pending) {
      for (const statement of m.sql.split("--> statement-breakpoint")) {
        if (statement.trim()) sqlite.run(statement);
      }
      const hash = createHash("sha256").update(m.sql).digest("hex");
      sqlite.run(`INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)`, [hash, m.when]);
    }
  })();
  return pending.length;
}
