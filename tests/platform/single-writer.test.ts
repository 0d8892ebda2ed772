import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Each table has one store that alone writes it and keeps its rules (issue 16). This scans src/ for writes,
// drizzle's insert/update/delete on the table object or raw SQL naming the table, so a second writer fails here.
const SRC = join(import.meta.dir, "../../src");

/** The one file that may write each table: its store's SQLite implementation. */
const WRITERS: Record<string, string> = {
  sessions: "sessions/sqlite-session-store.ts",
  event_ledger: "registry/events/sqlite-event-ledger-store.ts",
  message_statuses: "registry/events/sqlite-message-status-store.ts",
  workers: "registry/workers/sqlite-worker-store.ts",
  worker_metrics: "registry/workers/sqlite-worker-metrics-store.ts",
  worker_commands: "registry/commands/sqlite-worker-command-store.ts",
  webhook_subscriptions: "webhooks/sqlite-webhook-subscription-store.ts",
  webhook_deliveries: "webhooks/sqlite-delivery-store.ts",
  webhook_attempts: "webhooks/sqlite-delivery-store.ts",
  placement_history: "placement/sqlite-placement-history-store.ts",
  gateway_meta: "platform/db/sqlite-gateway-meta-store.ts",
  api_keys: "api-keys/sqlite-api-key-store.ts",
};

const sources = [...new Bun.Glob("**/*.ts").scanSync(SRC)].sort().map((path) => ({ path, text: readFileSync(join(SRC, path), "utf8") }));

/** Every drizzle table in src/: its SQL name and the name of its schema object. */
const tables = sources.flatMap(({ text }) => [...text.matchAll(/export const (\w+) = sqliteTable\(\s*"(\w+)"/g)].map(([, object = "", name = ""]) => ({ object, name })));

function writes(text: string, table: { object: string; name: string }): boolean {
  const drizzle = new RegExp(`\\.(insert|update|delete)\\(\\s*${table.object}\\b`);
  const raw = new RegExp(`\\b(INSERT(\\s+OR\\s+\\w+)?\\s+INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+["'\`]?${table.name}\\b`, "i");
  return drizzle.test(text) || raw.test(text);
}

test("the scan recognises the ways code writes a table", () => {
  const table = { object: "sessions", name: "sessions" };
  for (const write of ["orm.insert(sessions)", "orm.update( sessions)", "this.orm.delete(sessions)", `"UPDATE sessions SET"`, "`INSERT OR REPLACE INTO \"sessions\"`", "'delete from sessions where'"]) {
    expect(writes(write, table)).toBe(true);
  }
  for (const read of ["orm.select().from(sessions)", `"SELECT status FROM sessions"`, "orm.update(sessionsArchive)"]) expect(writes(read, table)).toBe(false);
});

test("the scan finds the tables", () => {
  expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(WRITERS).sort());
});

for (const table of tables) {
  test(`${table.name} is written only by ${WRITERS[table.name]}`, () => {
    const others = sources.filter(({ path, text }) => path !== WRITERS[table.name] && writes(text, table)).map(({ path }) => path);
    expect(others).toEqual([]);
  });
}
