import type { Database } from "bun:sqlite";
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
 * here, so the table always holds what memory holds. The statements are
 * prepared once: heartbeats write through them thousands of times a second.
 */
export class WorkerStore {
  private readonly upsertWorker;
  private readonly insertMetrics;

  constructor(
    readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
  ) {
    // On conflict, every column but the key and the creation time takes the new row's value.
    const updatable = Object.entries(getTableColumns(workers)).filter(([k]) => k !== "id" && k !== "createdAt");
    const set = Object.fromEntries(updatable.map(([k, column]) => [k, sql.raw(`excluded."${column.name}"`)]));
    this.upsertWorker = orm.insert(workers).values(placeholders(workers) as never).onConflictDoUpdate({ target: workers.id, set }).prepare();
    this.insertMetrics = orm.insert(workerMetrics).values(placeholders(workerMetrics) as never).prepare();
  }

  saveWorker(row: WorkerRow): void {
    this.upsertWorker.run(row);
  }

  addMetrics(row: WorkerMetricsRow): void {
    this.insertMetrics.run(row);
  }

  loadWorkers(): WorkerRow[] {
    return this.orm.select().from(workers).all();
  }

  latestMetrics(workerId: string): WorkerMetricsRow | undefined {
    return this.orm.select().from(workerMetrics).where(eq(workerMetrics.workerId, workerId)).orderBy(desc(workerMetrics.timestamp), desc(workerMetrics.id)).limit(1).get();
  }
}
