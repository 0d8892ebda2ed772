import type { Static } from "elysia";
import { AppError } from "../../http/errors.ts";
import type { SessionStore } from "../../sessions/session-store.ts";
import type { CommandQueue } from "../commands/queue.ts";
import { DOWNSAMPLE_BUCKET_MS } from "../metrics/retention.ts";
import { uuidV7Floor } from "../metrics/time-ids.ts";
import type { WorkerMetricsRow, WorkerRow } from "../workers/schema.ts";
import type { WorkerMetricsStore } from "../workers/worker-metrics-store.ts";
import { NOT_RUNNING, type WorkerRegistry } from "../workers/service.ts";
import type { MetricsQuery, MetricsView, WorkerDetail, WorkerView } from "./model.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** What operators read about workers, with the integrator API key. */
export class WorkerReads {
  constructor(
    private readonly registry: WorkerRegistry,
    private readonly commands: CommandQueue,
    private readonly metricsStore: Pick<WorkerMetricsStore, "page">,
    private readonly sessions: SessionStore,
    private readonly now: () => number,
    /** Commits buffered heartbeats, so a metrics read sees every acknowledged one. */
    private readonly flushHeartbeats: () => void,
  ) {}

  list(): Static<typeof WorkerView>[] {
    const assigned = this.sessions.countByWorker(NOT_RUNNING);
    return this.registry
      .all()
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((w) => this.view(w, assigned.get(w.id) ?? 0));
  }

  get(workerId: string): Static<typeof WorkerDetail> {
    const w = this.known(workerId);
    const owned = this.sessions.ownedBy(workerId, NOT_RUNNING);
    return { ...this.view(w, owned.length), sessions: owned, pendingCommands: this.commands.pendingFor(workerId) };
  }

  /**
   * Oldest first, paged by the last row's id (UUIDv7, so rows added meanwhile
   * are neither skipped nor repeated). The scan is bounded to when this worker
   * can have rows: from its registration (less one averaging bucket) to its
   * last heartbeat.
   */
  metrics(workerId: string, q: Static<typeof MetricsQuery>): { rows: Static<typeof MetricsView>[]; nextCursor: string | null; limit: number } {
    const w = this.known(workerId);
    this.flushHeartbeats();
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const from = Math.max(q.since === undefined ? 0 : Date.parse(q.since), w.createdAt - DOWNSAMPLE_BUCKET_MS);
    const to = Math.min(q.until === undefined ? Infinity : Date.parse(q.until), w.lastHeartbeat ?? w.createdAt);
    const rows = this.metricsStore.page(workerId, { fromId: uuidV7Floor(from), toId: uuidV7Floor(to + 1), ...(q.cursor !== undefined && { cursor: q.cursor }), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { rows: page.map(metricsView), limit, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
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
