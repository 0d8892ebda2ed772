import type { Database, Statement } from "bun:sqlite";
import { desc, eq, getTableColumns, sql, type Placeholder } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { workerMetrics, workers, type WorkerMetricsRow, type WorkerRow } from "./schema.ts";

/** A placeholder per column, named after its property, so a prepared statement runs with a whole row. */
function placeholders(table: SQLiteTable): Record<string, Placeholder> {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((k) => [k, sql.placeholder(k)]));
}

/**
 * The workers and worker_metrics tables. The registry keeps every worker in
 * memory (one coordinator owns the data dir) and writes whole rows through
 * here, so the table always holds what memory holds.
 */
export class WorkerStore {
  private readonly upsertWorker;
  // Heartbeats run these thousands of times a second: plain bun:sqlite statements, without drizzle's per-call mapping.
  private readonly insertMetrics: Statement;
  private readonly metricsKeys: (keyof WorkerMetricsRow)[];
  private readonly updateHeartbeat: Statement;

  constructor(
    readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
  ) {
    // On conflict, every column but the key and the creation time takes the new row's value.
    const updatable = Object.entries(getTableColumns(workers)).filter(([k]) => k !== "id" && k !== "createdAt");
    const set = Object.fromEntries(updatable.map(([k, column]) => [k, sql.raw(`excluded."${column.name}"`)]));
    this.upsertWorker = orm.insert(workers).values(placeholders(workers) as never).onConflictDoUpdate({ target: workers.id, set }).prepare();
    const metricsColumns = Object.entries(getTableColumns(workerMetrics));
    this.metricsKeys = metricsColumns.map(([k]) => k as keyof WorkerMetricsRow);
    this.insertMetrics = sqlite.prepare(
      `INSERT INTO worker_metrics (${metricsColumns.map(([, c]) => `"${c.name}"`).join(", ")}) VALUES (${metricsColumns.map(() => "?").join(", ")})`,
    );
    this.updateHeartbeat = sqlite.prepare("UPDATE workers SET status = ?, current_sessions = ?, last_heartbeat = ?, updated_at = ?, offline_reason = ? WHERE id = ?");
  }

  saveWorker(row: WorkerRow): void {
    this.upsertWorker.run(row);
  }

  addMetrics(row: WorkerMetricsRow): void {
    this.insertMetrics.run(...this.metricsKeys.map((k) => row[k]));
  }

  /** Writes the columns a heartbeat changes; the rest only change through `saveWorker`. */
  saveHeartbeat(w: WorkerRow): void {
    this.updateHeartbeat.run(w.status, w.currentSessions, w.lastHeartbeat, w.updatedAt, w.offlineReason, w.id);
  }

  loadWorkers(): WorkerRow[] {
    return this.orm.select().from(workers).all();
  }

  latestMetrics(workerId: string): WorkerMetricsRow | undefined {
    return this.orm.select().from(workerMetrics).where(eq(workerMetrics.workerId, workerId)).orderBy(desc(workerMetrics.timestamp), desc(workerMetrics.id)).limit(1).get();
  }
}
