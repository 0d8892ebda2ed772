import { Database } from "bun:sqlite";
import { readFileSync, writeFileSync } from "node:fs";

export interface ProcessLock {
  release(): void;
}

/**
 * An exclusive lock on a file that the kernel drops when the holder dies, even by
 * SIGKILL, so a crash never leaves a stale lock behind. It is an SQLite file held
 * in an open EXCLUSIVE transaction: SQLite's file locking is portable and also
 * refuses a second holder inside the same process. Returns null with the
 * holder's pid when someone else has it.
 */
export function tryLock(path: string): { lock: ProcessLock } | { holderPid: number | null } {
  const db = new Database(path, { create: true });
  try {
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
  } catch {
    db.close();
    return { holderPid: readPid(path) };
  }
  writeFileSync(`${path}.pid`, String(process.pid));
  return {
    lock: {
      release() {
        db.exec("ROLLBACK");
        db.close();
      },
    },
  };
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(`${path}.pid`, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
