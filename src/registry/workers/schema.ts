import { sql } from "drizzle-orm";
import { check, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { ENVIRONMENTS, WORKER_STATUSES } from "../../contracts/worker-api/vocabulary.ts";

/** Contract A's worker statuses and environments, verbatim. */

const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

/**
 * Contract A's recommended `workers` table, with its CHECK constraints. Times
 * are unix ms. Two columns are ours: `unregistered_at` (set by DELETE; such a
 * worker gets 404 on heartbeat until it registers again) and `offline_reason`
 * (why it went OFFLINE: unregistered, heartbeat timeout, endpoint taken over).
 */
export const workers = sqliteTable(
  "workers",
  {
    id: text("id").primaryKey(),
    endpoint: text("endpoint").notNull().unique(),
    description: text("description"),
    status: text("status", { enum: WORKER_STATUSES }).notNull().default("OFFLINE"),
    maxSessions: integer("max_sessions").notNull().default(50),
    currentSessions: integer("current_sessions").notNull().default(0),
    version: text("version"),
    environment: text("environment", { enum: ENVIRONMENTS }).notNull().default("DEVELOPMENT"),
    lastHeartbeat: integer("last_heartbeat"),
    createdAt: integer("created_at").notNull().default(nowMs),
    updatedAt: integer("updated_at").notNull().default(nowMs),
    unregisteredAt: integer("unregistered_at"),
    offlineReason: text("offline_reason"),
  },
  (t) => [
    check("workers_status_check", sql`${t.status} IN ('ONLINE', 'OFFLINE', 'MAINTENANCE')`),
    check("workers_environment_check", sql`${t.environment} IN ('DEVELOPMENT', 'STAGING', 'TESTING', 'PRODUCTION')`),
  ],
);
export type WorkerRow = typeof workers.$inferSelect;

/**
 * One heartbeat, every field of its body (contract A's optional
 * `worker_metrics`). `id` is a UUIDv7 made from `timestamp`. `timestamp` is when the coordinator received it, so rows
 * order by one clock; `reported_at` is the worker's own `timestamp`. Rows older
 * than the raw retention are averaged into one row per worker and bucket
 * (`bucket_ms` set), whose `samples` says how many heartbeats it stands for.
 */
export const workerMetrics = sqliteTable(
  "worker_metrics",
  {
    id: text("id").primaryKey(),
    workerId: text("worker_id")
      .notNull()
      .references(() => workers.id),
    status: text("status", { enum: WORKER_STATUSES }).notNull().default("ONLINE"),
    cpuUsage: real("cpu_usage"),
    memoryUsage: real("memory_usage"),
    uptime: integer("uptime"),
    messageCount: integer("message_count"),
    sessionTotal: integer("session_total"),
    sessionConnected: integer("session_connected"),
    sessionDisconnected: integer("session_disconnected"),
    sessionQrRequired: integer("session_qr_required"),
    sessionReconnecting: integer("session_reconnecting"),
    sessionError: integer("session_error"),
    timestamp: integer("timestamp").notNull().default(nowMs),
    reportedAt: integer("reported_at"),
    /** Null for a heartbeat as received; else the width of the bucket this row averages. */
    bucketMs: integer("bucket_ms"),
    samples: integer("samples").notNull().default(1),
  },
  (t) => [
    // No secondary index, on purpose: one keyed by worker dirties a page per worker on every commit, which
    // tripled the cost of a heartbeat (bench:heartbeat). The ids are UUIDv7, so the primary key is the
    // time index; reads by worker scan the time range in which that worker can have rows.
    check("worker_metrics_status_check", sql`${t.status} IN ('ONLINE', 'OFFLINE', 'MAINTENANCE')`),
  ],
);
export type WorkerMetricsRow = typeof workerMetrics.$inferSelect;
