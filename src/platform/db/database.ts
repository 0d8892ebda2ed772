import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { chmodSync, closeSync, openSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../logger.ts";
import { tryLock, type ProcessLock } from "../process-lock.ts";
import { StartupError } from "../startup-error.ts";
import { applyMigrations } from "./migrate.ts";
import { MIGRATIONS } from "./migrations.generated.ts";

const DB_FILE = "wa-gateway.db";

export interface GatewayDatabase {
  sqlite: Database;
  orm: BunSQLiteDatabase;
  /** Cheap probe for /ready. */
  ping(): void;
  close(): void;
}

/**
 * Opens `<data-dir>/wa-gateway.db` for the coordinator: WAL for concurrent reads
 * during writes, migrations applied. Only one coordinator may own a data dir:
 * two writers with separate in-memory views of the registry would diverge, so a
 * second one is refused with the first one's pid.
 */
export function openDatabase(dataDir: string, log: Logger): GatewayDatabase {
  const locked = tryLock(join(dataDir, "coordinator.lock"));
  if (!("lock" in locked)) {
    const who = locked.holderPid ? ` (pid ${locked.holderPid})` : "";
    throw new StartupError(`another coordinator${who} is already using the data dir ${dataDir}; stop it or use a different --data-dir`);
  }
  const lock: ProcessLock = locked.lock;
  const path = join(dataDir, DB_FILE);
  // 0600 from the first byte: the registry, the ledger and the sealed secrets are nobody else's to read.
  // SQLite gives the -wal and -shm files the database file's mode. An older data dir is tightened too.
  closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
  const sqlite = new Database(path, { create: true, strict: true });
  try {
    sqlite.run("PRAGMA journal_mode = WAL");
    sqlite.run("PRAGMA synchronous = NORMAL");
    sqlite.run("PRAGMA busy_timeout = 5000");
    sqlite.run("PRAGMA foreign_keys = ON");
    const applied = applyMigrations(sqlite, MIGRATIONS);
    if (applied > 0) log.info({ applied }, "database migrations applied");
  } catch (err) {
    sqlite.close();
    lock.release();
    throw err;
  }
  return {
    sqlite,
    orm: drizzle(sqlite),
    ping: () => void sqlite.query("SELECT 1").get(),
    close() {
      sqlite.close();
      lock.release();
    },
  };
}
