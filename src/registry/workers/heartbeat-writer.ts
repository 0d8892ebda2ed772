import type { Logger } from "../../platform/logger.ts";
import type { WorkerMetricsRow, WorkerRow } from "./schema.ts";
import type { WorkerStore } from "./worker-store.ts";
import type { WorkerMetricsStore } from "./worker-metrics-store.ts";

/** Heartbeats wait at most this long in memory before they are committed together. */
export const FLUSH_INTERVAL_MS = 5;
/** A full buffer is committed at once, whatever the time. */
const MAX_BUFFERED = 5000;
const RETRY_MS = 1000;

/**
 * Buffers heartbeat writes and commits them in one transaction every few
 * milliseconds: a commit per heartbeat would cap the coordinator far below
 * what a thousand workers need (see bench:heartbeat). A worker's row is
 * written as it stands in memory at commit time, so a later change made
 * elsewhere (unregister, liveness) is never overwritten by an older copy.
 *
 * A graceful stop flushes, so nothing acknowledged is lost; a crash can lose
 * the last few milliseconds of metrics. If a commit fails, heartbeats are
 * refused (500) until a retry succeeds, rather than acknowledged into a
 * buffer that cannot drain.
 */
export class HeartbeatWriter {
  private workers = new Map<string, WorkerRow>();
  private metrics: WorkerMetricsRow[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failure: unknown = null;
  private readonly commit;

  constructor(
    private readonly store: WorkerStore,
    metricsStore: Pick<WorkerMetricsStore, "add">,
    private readonly log: Logger,
  ) {
    this.commit = (workers: WorkerRow[], metrics: WorkerMetricsRow[]) =>
      store.atomically(() => {
        for (const w of workers) store.saveHeartbeat(w);
        for (const m of metrics) metricsStore.add(m);
      });
  }

  /** Call before changing anything for a heartbeat: while commits fail, heartbeats are refused. */
  throwIfFailing(): void {
    if (this.failure) throw this.failure;
  }

  write(worker: WorkerRow, metrics: WorkerMetricsRow): void {
    this.workers.set(worker.id, worker);
    this.metrics.push(metrics);
    if (this.metrics.length >= MAX_BUFFERED) this.flush();
    else this.timer ??= setTimeout(() => this.commitBuffered(false), FLUSH_INTERVAL_MS);
  }

  /** Commits everything buffered now, worker rows exactly: on stop, and before reads that must see every heartbeat. */
  flush(): void {
    this.commitBuffered(true);
  }

  /** `exact` also writes the worker rows that are only slightly behind (see WorkerStore.heartbeatRowStale). */
  private commitBuffered(exact: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.metrics.length === 0) return;
    const workers = [...this.workers.values()].filter((w) => exact || this.store.heartbeatRowStale(w));
    const metrics = this.metrics;
    try {
      this.commit(workers, metrics);
      this.workers = new Map();
      this.metrics = [];
      if (this.failure) this.log.info({ rows: metrics.length }, "heartbeat writes recovered");
      this.failure = null;
    } catch (err) {
      if (!this.failure) this.log.error({ err, rows: metrics.length }, "heartbeat writes failed; refusing heartbeats until a retry succeeds");
      this.failure = err;
      this.timer = setTimeout(() => this.commitBuffered(exact), RETRY_MS);
    }
  }

  /** Stops retrying; the last flush has been attempted. */
  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
