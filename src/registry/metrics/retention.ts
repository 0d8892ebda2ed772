import type { Database } from "bun:sqlite";
import type { WorkerMetricsRow } from "../workers/schema.ts";
import type { WorkerStore } from "../workers/store.ts";

/** Older heartbeats are averaged into one row per worker per bucket: 288 rows a day instead of 8,640 at 10 s. */
export const DOWNSAMPLE_BUCKET_MS = 5 * 60_000;

export interface RetentionPolicy {
  /** Heartbeat rows younger than this stay as they were received. */
  rawMs: number;
  /** Rows older than this are deleted. */
  keepMs: number;
}

type Bucket = Omit<WorkerMetricsRow, "id" | "status" | "bucketMs"> & { lastStatus: WorkerMetricsRow["status"] };

/**
 * Keeps worker_metrics bounded: 100 workers at one heartbeat every 10 s would
 * otherwise add 864k rows a day. Raw rows past `rawMs` become one averaged row
 * per worker and bucket (gauges averaged, counters and uptime at their
 * maximum, the bucket's last status); anything past `keepMs` is deleted.
 */
export class MetricsRetention {
  private readonly buckets;
  private readonly deleteRaw;
  private readonly deleteExpired;
  private readonly apply;

  constructor(
    sqlite: Database,
    store: WorkerStore,
    private readonly policy: RetentionPolicy,
  ) {
    // In SQLite, the bare `status` of a query with a single max() comes from the row holding that max: the bucket's last status.
    this.buckets = sqlite.query<Bucket, { bucket: number; cutoff: number }>(`
      SELECT b.*, s.status AS lastStatus FROM (
        SELECT worker_id AS workerId, (timestamp / $bucket) * $bucket AS timestamp,
          avg(cpu_usage) AS cpuUsage, avg(memory_usage) AS memoryUsage, max(uptime) AS uptime, max(message_count) AS messageCount,
          cast(round(avg(session_total)) AS integer) AS sessionTotal, cast(round(avg(session_connected)) AS integer) AS sessionConnected,
          cast(round(avg(session_disconnected)) AS integer) AS sessionDisconnected, cast(round(avg(session_qr_required)) AS integer) AS sessionQrRequired,
          cast(round(avg(session_reconnecting)) AS integer) AS sessionReconnecting, cast(round(avg(session_error)) AS integer) AS sessionError,
          max(reported_at) AS reportedAt, count(*) AS samples
        FROM worker_metrics WHERE bucket_ms IS NULL AND timestamp < $cutoff GROUP BY worker_id, timestamp / $bucket
      ) b JOIN (
        SELECT worker_id, (timestamp / $bucket) * $bucket AS timestamp, status, max(timestamp)
        FROM worker_metrics WHERE bucket_ms IS NULL AND timestamp < $cutoff GROUP BY worker_id, timestamp / $bucket
      ) s ON s.worker_id = b.workerId AND s.timestamp = b.timestamp`);
    this.deleteRaw = sqlite.query<never, { cutoff: number }>("DELETE FROM worker_metrics WHERE bucket_ms IS NULL AND timestamp < $cutoff");
    this.deleteExpired = sqlite.query<never, { before: number }>("DELETE FROM worker_metrics WHERE timestamp < $before");
    this.apply = sqlite.transaction((now: number) => {
      // Aligned to a bucket boundary, so each bucket is averaged once, from all of its rows.
      const cutoff = Math.floor((now - this.policy.rawMs) / DOWNSAMPLE_BUCKET_MS) * DOWNSAMPLE_BUCKET_MS;
      const buckets = this.buckets.all({ bucket: DOWNSAMPLE_BUCKET_MS, cutoff });
      for (const { lastStatus, ...b } of buckets) {
        store.addMetrics({ ...b, id: Bun.randomUUIDv7("hex", b.timestamp), status: lastStatus, bucketMs: DOWNSAMPLE_BUCKET_MS });
      }
      const raw = this.deleteRaw.run({ cutoff }).changes;
      const expired = this.deleteExpired.run({ before: now - this.policy.keepMs }).changes;
      return { buckets: buckets.length, raw, expired };
    });
  }

  /** Downsamples and expires as of `now`; returns how many buckets were written and rows deleted. */
  run(now: number): { buckets: number; raw: number; expired: number } {
    return this.apply(now);
  }
}
