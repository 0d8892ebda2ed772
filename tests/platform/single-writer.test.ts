import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Each table has one store that alone writes it and keeps its rules (issue 16). This scans src/ for writes,
// drizzle's insert/update/delete on the table object or raw SQL naming the table, so a second writer fails here.
const SRC = join(import.meta.dir, "../../src");

/**
 * The files that write each table. One file is the goal; the tables listed with more are the ones whose
 * writes have not moved into one store yet: no writer may be added to them either.
 */
const WRITERS: Record<string, string[]> = {
  sessions: ["sessions/sqlite-session-store.ts"],
  event_ledger: ["registry/events/sqlite-event-ledger-store.ts"],
  message_statuses: ["registry/events/message-updates.ts"],
  workers: ["registry/workers/store.ts"],
  worker_metrics: ["registry/metrics/retention.ts", "registry/workers/store.ts"],
  worker_commands: ["registry/commands/queue.ts"],
  webhook_subscriptions: ["webhooks/subscriptions.ts"],
  webhook_deliveries: ["webhooks/delivery-store.ts"],
  webhook_attempts: ["webhooks/delivery-store.ts"],
  placement_history: ["placement/service.ts"],
  gateway_meta: ["platform/db/instance-id.ts"],
};

const sources = [...new Bun.Glob("**/*.ts").scanSync(SRC)].sort().map((path) => ({ path, text: readFileSync(join(SRC, path), "utf8") }));

/** Every drizzle table in src/: its SQL name and the name of its schema object. */
const tables = sources.flatMap(({ text }) => [...text.matchAll(/export const (\w+) = sqliteTable\(\s*"(\w+)"/g)].map(([, object = "", name = ""]) => ({ object, name })));

function writersOf(table: { object: string; name: string }): string[] {
  const drizzle = new RegExp(`\\.(insert|update|delete)\\(\\s*${table.object}\\b`);
  const raw = new RegExp(`\\b(INSERT(\\s+OR\\s+\\w+)?\\s+INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+["'\`]?${table.name}\\b`, "i");
  return sources.filter(({ text }) => drizzle.test(text) || raw.test(text)).map(({ path }) => path);
}

test("the scan finds the tables", () => {
  expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(WRITERS).sort());
});

for (const table of tables) {
  test(`${table.name} is written only by ${(WRITERS[table.name] ?? []).join(", ")}`, () => {
    expect(writersOf(table)).toEqual(WRITERS[table.name] ?? []);
  });
}
