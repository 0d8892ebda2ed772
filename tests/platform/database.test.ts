import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../src/platform/db/database.ts";
import { applyMigrations } from "../../src/platform/db/migrate.ts";
import { MIGRATIONS } from "../../src/platform/db/migrations.generated.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { tryLock } from "../../src/platform/process-lock.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const root = join(import.meta.dir, "../..");
const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));
const log = createLogger("silent");

test("the embedded migrations are exactly drizzle-kit's (run `bun run db:generate` after a schema change)", () => {
  const journal = JSON.parse(readFileSync(join(root, "drizzle/meta/_journal.json"), "utf8")) as { entries: { tag: string; when: number }[] };
  expect(MIGRATIONS.map((m) => [m.tag, m.when])).toEqual(journal.entries.map((e) => [e.tag, e.when]));
  for (const m of MIGRATIONS) expect(m.sql).toBe(readFileSync(join(root, "drizzle", `${m.tag}.sql`), "utf8"));
});

test("migrations apply once, in WAL mode, and again is a no-op", () => {
  const dir = makeTempDir();
  dirs.push(dir);
  const db = openDatabase(dir.path, log);
  expect(db.sqlite.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
  const tables = db.sqlite.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name);
  expect(tables).toEqual(expect.arrayContaining(["gateway_meta", "sessions", "__drizzle_migrations"]));
  expect(applyMigrations(db.sqlite, MIGRATIONS)).toBe(0);
  db.close();
  // Reopening (a restart) applies nothing new and keeps the data.
  const again = openDatabase(dir.path, log);
  expect(again.sqlite.query<{ n: number }, []>('SELECT count(*) AS n FROM "__drizzle_migrations"').get()?.n).toBe(MIGRATIONS.length);
  again.close();
});

test("a failing migration rolls back whole", () => {
  const sqlite = new Database(":memory:");
  const broken = [{ tag: "x", when: 1, breakpoints: true, sql: "CREATE TABLE a (id int);--> statement-breakpoint\nCREATE TABLE oops (" }];
  expect(() => applyMigrations(sqlite, broken)).toThrow();
  expect(sqlite.query("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeNull();
});

test("the process lock refuses a second holder, even in the same process, and frees on release", () => {
  const dir = makeTempDir();
  dirs.push(dir);
  const path = join(dir.path, "x.lock");
  const first = tryLock(path);
  expect("lock" in first).toBe(true);
  const second = tryLock(path);
  expect(second).toEqual({ holderPid: process.pid });
  if ("lock" in first) first.lock.release();
  const third = tryLock(path);
  expect("lock" in third).toBe(true);
  if ("lock" in third) third.lock.release();
});
