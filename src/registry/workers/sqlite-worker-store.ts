import type { Database } from "bun:sqlite";
import { eq, getTableColumns, sql } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { param, placeholders } from "../../platform/db/placeholders.ts";
import { workers, type WorkerRow } from "./schema.ts";
import type { WorkerStore } from "./worker-store.ts";

const ROW_LAG_MS = 1000;
const stateOf = (w: WorkerRow) => `${w.status}|${w.currentSessions}|${w.offlineReason ?? ""}`;

/** The `workers` table in the coordinator's SQLite file. */
export class SqliteWorkerStore implements WorkerStore {
  private readonly upsertWorker;
  // Heartbeats run this thousands of times a second, so it is prepared once.
  private readonly updateHeartbeat;
  /** What each worker's row holds, as far as heartbeats change it. */
  private readonly stored = new Map<string, { state: string; lastHeartbeat: number | null }>();

  constructor(
    private readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
  ) {
    // On conflict, every column but the key and the creation time takes the new row's value.
    const updatable = Object.entries(getTableColumns(workers)).filter(([k]) => k !== "id" && k !== "createdAt");
    const set = Object.fromEntries(updatable.map(([k, column]) => [k, sql.raw(`excluded."${column.name}"`)]));
    this.upsertWorker = orm.insert(workers).values(placeholders(workers)).onConflictDoUpdate({ target: workers.id, set }).prepare();
    this.updateHeartbeat = orm
      .update(workers)
      .set({ status: param("status"), currentSessions: param("currentSessions"), lastHeartbeat: param("lastHeartbeat"), updatedAt: param("updatedAt"), offlineReason: param("offlineReason") })
      .where(eq(workers.id, sql.placeholder("id")))
      .prepare();
  }

  saveWorker(row: WorkerRow): void {
    this.upsertWorker.run(row);
    this.remember(row);
  }

  saveHeartbeat(w: WorkerRow): void {
    this.updateHeartbeat.run({ status: w.status, currentSessions: w.currentSessions, lastHeartbeat: w.lastHeartbeat, updatedAt: w.updatedAt, offlineReason: w.offlineReason, id: w.id });
    this.remember(w);
  }

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

  atomically<T>(work: () => T): T {
    return this.sqlite.transaction(work)();
  }
}
