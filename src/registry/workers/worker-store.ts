import type { WorkerRow } from "./schema.ts";

/**
 * All storage of the `workers` table. The registry keeps every worker in
 * memory (one coordinator owns the data dir) and writes whole rows through
 * here, so the table always holds what memory holds. The table's only writer
 * (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface WorkerStore {
  loadWorkers(): WorkerRow[];
  saveWorker(row: WorkerRow): void;
  /** Writes the columns a heartbeat changes; the rest only change through `saveWorker`. */
  saveHeartbeat(w: WorkerRow): void;
  /**
   * Whether a heartbeat must rewrite the worker's row: its state changed, or
   * the stored last_heartbeat is a second or more behind. Rewriting the row on
   * every heartbeat would cost a commit's worth of pages for nothing; this way
   * the row lags by under a second (liveness counts in tens of seconds).
   */
  heartbeatRowStale(w: WorkerRow): boolean;
  /** Runs `work` (writes to this and the other registry stores) in one transaction. */
  atomically<T>(work: () => T): T;
}
