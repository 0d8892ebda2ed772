import type { WorkerMetricsRow, WorkerRow } from "./schema.ts";

/** How old raw heartbeats are averaged into buckets and old rows expire. */
export interface MetricsCompaction {
  /** Raw rows with an id below this UUIDv7 floor are averaged into buckets, then deleted. */
  rawBefore: string;
  bucketMs: number;
  /** Rows with an id below this floor are deleted, buckets included. */
  expireBefore: string;
}

/**
 * All storage of the `worker_metrics` table: one row per heartbeat, which
 * compaction later averages into one row per worker and bucket. Ids are
 * UUIDv7 of the row's time, so id ranges are time ranges. The table's only
 * writer (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface WorkerMetricsStore {
  add(row: WorkerMetricsRow): void;
  /** The worker's newest row, looked for only where it can be: between its registration and its last heartbeat. */
  latest(w: WorkerRow): WorkerMetricsRow | undefined;
  /** The worker's rows with ids in [fromId, toId) and after `cursor`, oldest first. */
  page(workerId: string, range: { fromId: string; toId: string; cursor?: string; limit: number }): WorkerMetricsRow[];
  /** Averages and expires in one transaction; says how many buckets it wrote and rows it deleted. */
  compact(c: MetricsCompaction): { buckets: number; raw: number; expired: number };
}
