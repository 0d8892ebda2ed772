import type { WorkerMetricsStore } from "../workers/worker-metrics-store.ts";
import { uuidV7Floor } from "./time-ids.ts";

/** Older heartbeats are averaged into one row per worker per bucket: 288 rows a day instead of 8,640 at 10 s. */
export const DOWNSAMPLE_BUCKET_MS = 5 * 60_000;

interface RetentionPolicy {
  /** Heartbeat rows younger than this stay as they were received. */
  rawMs: number;
  /** Rows older than this are deleted. */
  keepMs: number;
}

/**
 * Keeps worker_metrics bounded: 100 workers at one heartbeat every 10 s would
 * otherwise add 864k rows a day. Raw rows past `rawMs` become one averaged row
 * per worker and bucket (gauges averaged, counters and uptime at their
 * maximum, the bucket's last status); anything past `keepMs` is deleted.
 */
export class MetricsRetention {
  constructor(
    private readonly metrics: Pick<WorkerMetricsStore, "compact">,
    private readonly policy: RetentionPolicy,
  ) {}

  /** Downsamples and expires as of `now`; returns how many buckets were written and rows deleted. */
  run(now: number): { buckets: number; raw: number; expired: number } {
    return this.metrics.compact({
      // Aligned to a bucket boundary, so each bucket is averaged once, from all of its rows.
      rawBefore: uuidV7Floor(Math.floor((now - this.policy.rawMs) / DOWNSAMPLE_BUCKET_MS) * DOWNSAMPLE_BUCKET_MS),
      bucketMs: DOWNSAMPLE_BUCKET_MS,
      expireBefore: uuidV7Floor(now - this.policy.keepMs),
    });
  }
}
