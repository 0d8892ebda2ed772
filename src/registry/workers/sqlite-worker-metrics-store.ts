import type { Database } from "bun:sqlite";
import { and, asc, desc, eq, getTableName, gt, gte, lt } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { placeholders } from "../../platform/db/placeholders.ts";
import { DOWNSAMPLE_BUCKET_MS } from "../metrics/retention.ts";
import { uuidV7Floor } from "../metrics/time-ids.ts";
import { workerMetrics, type WorkerMetricsRow, type WorkerRow } from "./schema.ts";
import type { MetricsCompaction, WorkerMetricsStore } from "./worker-metrics-store.ts";

type Bucket = Omit<WorkerMetricsRow, "id" | "status" | "bucketMs"> & { lastStatus: WorkerMetricsRow["status"] };

const q = (key: keyof typeof workerMetrics._.columns) => `"${workerMetrics[key].name}"`;
const TABLE = `"${getTableName(workerMetrics)}"`;

/**
 * One bucket per worker: gauges averaged, counters and uptime at their maximum, session counts
 * averaged to whole numbers. Raw SQL because drizzle cannot say what the join below relies on: in
 * SQLite, the bare column of a query with a single max() comes from the row holding that max, which
 * gives the bucket's last status. The names come from the schema object.
 */
const aggregates = [
  ...(["cpuUsage", "memoryUsage"] as const).map((k) => `avg(${q(k)}) AS ${k}`),
  ...(["uptime", "messageCount", "reportedAt"] as const).map((k) => `max(${q(k)}) AS ${k}`),
  ...(["sessionTotal", "sessionConnected", "sessionDisconnected", "sessionQrRequired", "sessionReconnecting", "sessionError"] as const).map((k) => `cast(round(avg(${q(k)})) AS integer) AS ${k}`),
].join(", ");
const rawRows = `FROM ${TABLE} WHERE ${q("id")} < $cutoff AND ${q("bucketMs")} IS NULL GROUP BY ${q("workerId")}, ${q("timestamp")} / $bucket`;
const BUCKETS = `
  SELECT b.*, s.status AS lastStatus FROM (
    SELECT ${q("workerId")} AS workerId, (${q("timestamp")} / $bucket) * $bucket AS timestamp, ${aggregates}, count(*) AS samples ${rawRows}
  ) b JOIN (
    SELECT ${q("workerId")} AS workerId, (${q("timestamp")} / $bucket) * $bucket AS timestamp, ${q("status")} AS status, max(${q("timestamp")}) ${rawRows}
  ) s ON s.workerId = b.workerId AND s.timestamp = b.timestamp`;

/** The `worker_metrics` table in the coordinator's SQLite file. */
export class SqliteWorkerMetricsStore implements WorkerMetricsStore {
  private readonly orm: BunSQLiteDatabase;
  // Heartbeats run this thousands of times a second, so it is prepared once.
  private readonly insert;
  private readonly buckets;
  // Bare, as drizzle's delete on bun:sqlite does not say how many rows it removed, and these may be many.
  private readonly deleteRaw;
  private readonly deleteExpired;
  private readonly compactNow: (c: MetricsCompaction) => { buckets: number; raw: number; expired: number };

  constructor(db: { sqlite: Database; orm: BunSQLiteDatabase }) {
    this.orm = db.orm;
    this.insert = db.orm.insert(workerMetrics).values(placeholders(workerMetrics)).prepare();
    this.buckets = db.sqlite.query<Bucket, { bucket: number; cutoff: string }>(BUCKETS);
    this.deleteRaw = db.sqlite.query<never, { cutoff: string }>(`DELETE FROM ${TABLE} WHERE ${q("id")} < $cutoff AND ${q("bucketMs")} IS NULL`);
    this.deleteExpired = db.sqlite.query<never, { before: string }>(`DELETE FROM ${TABLE} WHERE ${q("id")} < $before`);
    this.compactNow = db.sqlite.transaction((c: MetricsCompaction) => {
      const buckets = this.buckets.all({ bucket: c.bucketMs, cutoff: c.rawBefore });
      for (const { lastStatus, ...b } of buckets) this.add({ ...b, id: Bun.randomUUIDv7("hex", b.timestamp), status: lastStatus, bucketMs: c.bucketMs });
      const raw = this.deleteRaw.run({ cutoff: c.rawBefore }).changes;
      const expired = this.deleteExpired.run({ before: c.expireBefore }).changes;
      return { buckets: buckets.length, raw, expired };
    });
  }

  add(row: WorkerMetricsRow): void {
    this.insert.run(row);
  }

  latest(w: WorkerRow): WorkerMetricsRow | undefined {
    const m = workerMetrics;
    const from = uuidV7Floor(w.createdAt - DOWNSAMPLE_BUCKET_MS);
    const to = uuidV7Floor(Math.max(w.lastHeartbeat ?? 0, w.updatedAt) + 1);
    return this.orm.select().from(m).where(and(gte(m.id, from), lt(m.id, to), eq(m.workerId, w.id))).orderBy(desc(m.id)).limit(1).get();
  }

  page(workerId: string, range: { fromId: string; toId: string; cursor?: string; limit: number }): WorkerMetricsRow[] {
    const m = workerMetrics;
    return this.orm
      .select()
      .from(m)
      .where(and(gte(m.id, range.fromId), lt(m.id, range.toId), range.cursor === undefined ? undefined : gt(m.id, range.cursor), eq(m.workerId, workerId)))
      .orderBy(asc(m.id))
      .limit(range.limit)
      .all();
  }

  compact(c: MetricsCompaction): { buckets: number; raw: number; expired: number } {
    return this.compactNow(c);
  }
}
