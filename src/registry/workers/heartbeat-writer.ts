import type { WorkerMetricsRow, WorkerRow } from "./schema.ts";
import type { WorkerStore } from "./store.ts";

/**
 * Group commit for heartbeats. Each heartbeat waits for the transaction that
 * holds its writes; all heartbeats that arrive within one turn of the event
 * loop share one transaction (one WAL commit instead of one per request). So
 * an acknowledged heartbeat is on disk, and `flush` on shutdown leaves
 * nothing behind.
 *
 * Worker rows are written as they stand in memory when the batch commits, so
 * a later change made elsewhere (unregister, liveness) is never overwritten
 * by an older copy.
 */
export class HeartbeatWriter {
  private workers = new Map<string, WorkerRow>();
  private metrics: WorkerMetricsRow[] = [];
  private batch: PromiseWithResolvers<void> | null = null;
  private readonly commit;

  constructor(store: WorkerStore) {
    this.commit = store.sqlite.transaction((workers: WorkerRow[], metrics: WorkerMetricsRow[]) => {
      for (const w of workers) store.saveWorker(w);
      for (const m of metrics) store.addMetrics(m);
    });
  }

  /** Resolves once the worker's state and the metrics row are committed. */
  write(worker: WorkerRow, metrics: WorkerMetricsRow): Promise<void> {
    this.workers.set(worker.id, worker);
    this.metrics.push(metrics);
    if (!this.batch) {
      this.batch = Promise.withResolvers<void>();
      setImmediate(() => this.flush());
    }
    return this.batch.promise;
  }

  /** Commits what is pending now; also called on shutdown. */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    const workers = [...this.workers.values()];
    const metrics = this.metrics;
    this.batch = null;
    this.workers = new Map();
    this.metrics = [];
    try {
      this.commit(workers, metrics);
      batch.resolve();
    } catch (err) {
      batch.reject(err);
    }
  }
}
