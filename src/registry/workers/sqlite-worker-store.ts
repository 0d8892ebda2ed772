import type { Database, Statement } from "bun:sqlite";
import { getTableColumns, sql, type Placeholder } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { workers, type WorkerRow } from "./schema.ts";

/** A placeholder per column, named after its property, so a prepared statement runs with a whole row. */
function placeholders(table: SQLiteTable): Record<string, Placeholder> {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((k) => [k, sql.placeholder(k)]));
}

const ROW_LAG_MS = 1000;
const stateOf = (w: WorkerRow) => `${w.status}|${w.currentSessions}|${w.offlineReason ?? ""}`;

/**
 * The workers table (worker_metrics has its own store). The registry keeps every worker in
 * memory (one coordinator owns the data dir) and writes whole rows through
 * here, so the table always holds what memory holds.
 */
export class WorkerStore {
  private readonly upsertWorker;
  // Heartbeats run this thousands of times a second: a plain bun:sqlite statement, without drizzle's per-call mapping.
  private readonly updateHeartbeat: Statement;
  /** What each worker's row holds, as far as heartbeats change it. */
  private readonly stored = new Map<string, { state: string; lastHeartbeat: number | null }>();

  constructor(
    readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
  ) {
    // On conflict, every column but the key and the creation time takes the new row's value.
    const updatable = Object.entries(getTableColumns(workers)).filter(([k]) => k !== "id" && k !== "createdAt");
    const set = Object.fromEntries(updatable.map(([k, column]) => [k, sql.raw(`excluded."${column.name}"`)]));
    this.upsertWorker = orm.insert(workers).values(placeholders(workers) as never).onConflictDoUpdate({ target: workers.id, set }).prepare();
    this.updateHeartbeat = sqlite.prepare("UPDATE workers SET status = ?, current_sessions = ?, last_heartbeat = ?, updated_at = ?, offline_reason = ? WHERE id = ?");
  }

  saveWorker(row: WorkerRow): void {
    this.upsertWorker.run(row);
    this.remember(row);
  }

  /** Writes the columns a heartbeat changes; the rest only change through `saveWorker`. */
  saveHeartbeat(w: WorkerRow): void {
    this.updateHeartbeat.run(w.status, w.currentSessions, w.lastHeartbeat, w.updatedAt, w.offlineReason, w.id);
    this.remember(w);
  }

  /**
   * Whether a heartbeat must rewrite the worker's row: its state changed, or
   * the stored last_heartbeat is a second or more behind. Rewriting the row on
   * every heartbeat would cost a commit's worth of pages for nothing; this way
   * the row lags by under a second (liveness counts in tens of seconds).
   */
  heartbeatRowStale(w: WorkerRow): boolean {
    const stored = this.stored.get(w.id);
    return !stored || stored.state !== stateOf(w) || (w.lastHeartbeat ?? 0) - (stored.lastHeartbeat ?? 0) >= ROW_LAG_MS;
  }

  private remember(w: WorkerRow): void {
    this.stored.set(w.id, { state: stateOf(w), lastHeartbeat: w.lastHeartbeat });
  }

  loadWorkers(): WorkerRow[] {
    const rows = this.orm.select().from(workers).all();
    for (const w of rows) this.remember(w);
    return rows;
  }
}
