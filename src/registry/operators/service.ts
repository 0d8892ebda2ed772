import { and, asc, count, eq, gt, gte, isNotNull, lte, notInArray, or, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { Static } from "elysia";
import { AppError } from "../../http/errors.ts";
import { sessions } from "../../sessions/schema.ts";
import type { CommandQueue } from "../commands/queue.ts";
import { workerMetrics, type WorkerMetricsRow, type WorkerRow } from "../workers/schema.ts";
import { NOT_RUNNING, type WorkerRegistry } from "../workers/service.ts";
import type { MetricsQuery, MetricsView, WorkerDetail, WorkerView } from "./model.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** What operators read about workers, with the integrator API key. */
export class WorkerReads {
  constructor(
    private readonly registry: WorkerRegistry,
    private readonly commands: CommandQueue,
    private readonly orm: BunSQLiteDatabase,
    private readonly now: () => number,
  ) {}

  list(): Static<typeof WorkerView>[] {
    const assigned = new Map(
      this.orm
        .select({ workerId: sessions.workerId, n: count() })
        .from(sessions)
        .where(and(isNotNull(sessions.workerId), notInArray(sessions.status, NOT_RUNNING)))
        .groupBy(sessions.workerId)
        .all()
        .map((r) => [r.workerId, r.n]),
    );
    return this.registry
      .all()
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((w) => this.view(w, assigned.get(w.id) ?? 0));
  }

  get(workerId: string): Static<typeof WorkerDetail> {
    const w = this.known(workerId);
    const owned = this.orm
      .select({ sessionId: sessions.id, status: sessions.status, phoneNumber: sessions.phoneNumber })
      .from(sessions)
      .where(and(eq(sessions.workerId, workerId), notInArray(sessions.status, NOT_RUNNING)))
      .orderBy(sessions.id)
      .all();
    return { ...this.view(w, owned.length), sessions: owned, pendingCommands: this.commands.pendingFor(workerId) };
  }

  /** Oldest first, paged by an opaque cursor (the last row's time and id), so rows added meanwhile are neither skipped nor repeated. */
  metrics(workerId: string, q: Static<typeof MetricsQuery>): { rows: Static<typeof MetricsView>[]; nextCursor: string | null; limit: number } {
    this.known(workerId);
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const m = workerMetrics;
    const where: (SQL | undefined)[] = [eq(m.workerId, workerId)];
    if (q.since !== undefined) where.push(gte(m.timestamp, Date.parse(q.since)));
    if (q.until !== undefined) where.push(lte(m.timestamp, Date.parse(q.until)));
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      where.push(or(gt(m.timestamp, c.timestamp), and(eq(m.timestamp, c.timestamp), gt(m.id, c.id))));
    }
    const rows = this.orm.select().from(m).where(and(...where)).orderBy(asc(m.timestamp), asc(m.id)).limit(limit + 1).all();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { rows: page.map(metricsView), limit, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  private known(workerId: string): WorkerRow {
    const w = this.registry.get(workerId);
    if (!w) throw new AppError(404, "WORKER_NOT_FOUND", `Worker ${workerId} is not registered`);
    return w;
  }

  private view(w: WorkerRow, assignedSessions: number): Static<typeof WorkerView> {
    const last = this.registry.latestMetrics(w.id);
    return {
      workerId: w.id,
      endpoint: w.endpoint.startsWith("released:") ? null : w.endpoint,
      description: w.description,
      status: w.status,
      registered: w.unregisteredAt === null,
      offlineReason: w.offlineReason,
      maxSessions: w.maxSessions,
      currentSessions: w.currentSessions,
      assignedSessions,
      version: w.version,
      environment: w.environment,
      lastHeartbeat: isoOrNull(w.lastHeartbeat),
      secondsSinceHeartbeat: w.lastHeartbeat === null ? null : Math.max(0, Math.round((this.now() - w.lastHeartbeat) / 1000)),
      lastMetrics: last ? metricsView(last) : null,
      createdAt: iso(w.createdAt),
      updatedAt: iso(w.updatedAt),
    };
  }
}

function metricsView(r: WorkerMetricsRow): Static<typeof MetricsView> {
  return {
    id: r.id,
    timestamp: iso(r.timestamp),
    reportedAt: isoOrNull(r.reportedAt),
    status: r.status,
    cpuUsage: r.cpuUsage,
    memoryUsage: r.memoryUsage,
    uptime: r.uptime,
    messageCount: r.messageCount,
    sessions: {
      total: r.sessionTotal,
      connected: r.sessionConnected,
      disconnected: r.sessionDisconnected,
      qr_required: r.sessionQrRequired,
      reconnecting: r.sessionReconnecting,
      error: r.sessionError,
    },
    samples: r.samples,
    bucketSeconds: r.bucketMs === null ? null : r.bucketMs / 1000,
  };
}

function encodeCursor(r: WorkerMetricsRow): string {
  return Buffer.from(`${r.timestamp}.${r.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { timestamp: number; id: string } {
  const m = /^(\d+)\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw new AppError(400, "VALIDATION_ERROR", "Invalid query.cursor: not a cursor this API returned");
  return { timestamp: Number(m[1]), id: m[2]! };
}
