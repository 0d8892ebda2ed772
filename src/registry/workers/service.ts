import { and, eq, notInArray } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { Static } from "elysia";
import { AppError } from "../../http/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { sessions, type SessionStatus } from "../../sessions/schema.ts";
import type { Command } from "../commands/model.ts";
import type { CommandQueue } from "../commands/queue.ts";
import type { EventLedger } from "../events/ledger.ts";
import type { HeartbeatWriter } from "./heartbeat-writer.ts";
import type { HeartbeatBody, RegisterBody } from "./model.ts";
import type { WorkerMetricsRow, WorkerRow } from "./schema.ts";
import type { WorkerStore } from "./store.ts";

/** Sessions in these states run nowhere, so a restarting worker is not asked to run them. */
export const NOT_RUNNING: SessionStatus[] = ["stopped", "logged_out", "deleted"];

type OfflineReason = "unregistered" | "heartbeat_timeout";

export interface WorkerRegistryDeps {
  store: WorkerStore;
  orm: BunSQLiteDatabase;
  writer: HeartbeatWriter;
  commands: CommandQueue;
  ledger: EventLedger;
  now(): number;
  log: Logger;
}

/**
 * The registry of workers: who is registered, at which endpoint, whether it
 * is alive. All of it is held in memory, since this coordinator is the only
 * writer of its data dir, and persisted on every change (heartbeats through
 * the group-commit writer, the rest at once).
 */
export class WorkerRegistry {
  private readonly byId = new Map<string, WorkerRow>();
  private readonly byEndpoint = new Map<string, WorkerRow>();
  private readonly lastMetrics = new Map<string, WorkerMetricsRow>();
  /** Liveness counts from here at the earliest, so a coordinator restart does not time out every worker at once. */
  private readonly startedAt: number;

  constructor(private readonly deps: WorkerRegistryDeps) {
    this.startedAt = deps.now();
    for (const w of deps.store.loadWorkers()) {
      this.byId.set(w.id, w);
      this.byEndpoint.set(w.endpoint, w);
      const m = deps.store.latestMetrics(w.id);
      if (m) this.lastMetrics.set(w.id, m);
    }
  }

  /**
   * Registers a new worker, or a known one again (after a restart). An
   * endpoint held by another live worker is a conflict; one held by a worker
   * that is OFFLINE or unregistered is taken over.
   */
  register(input: Static<typeof RegisterBody>): { assignedSessions: string[] } {
    const now = this.deps.now();
    const holder = this.byEndpoint.get(input.endpoint);
    const displaced = holder && holder.id !== input.workerId ? holder : undefined;
    if (displaced && isLive(displaced)) {
      throw new AppError(409, "WORKER_CONFLICT", `Endpoint ${input.endpoint} is already held by ${displaced.status} worker ${displaced.id}`);
    }
    const existing = this.byId.get(input.workerId);
    const row: WorkerRow = {
      id: input.workerId,
      endpoint: input.endpoint,
      description: input.description ?? null,
      status: input.status ?? "ONLINE",
      maxSessions: input.maxSessions ?? 50,
      currentSessions: existing?.currentSessions ?? 0,
      version: input.version ?? null,
      environment: input.environment ?? "DEVELOPMENT",
      lastHeartbeat: now,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      unregisteredAt: null,
      offlineReason: null,
    };
    // endpoint is UNIQUE: a displaced holder gives it up for a placeholder no URL can equal.
    const released: WorkerRow | undefined = displaced && {
      ...displaced,
      endpoint: `released:${displaced.id}`,
      offlineReason: `endpoint taken over by ${row.id}`,
      unregisteredAt: displaced.unregisteredAt ?? now,
      updatedAt: now,
    };
    this.deps.store.sqlite.transaction(() => {
      if (released) this.deps.store.saveWorker(released);
      this.deps.store.saveWorker(row);
      this.deps.commands.redeliver(row.id);
    })();
    // Memory changes only once the transaction has committed. One object per
    // worker is kept, because a heartbeat batch waiting to commit holds it.
    for (const [target, next] of [[displaced, released], [existing, row]] as const) {
      if (target && this.byEndpoint.get(target.endpoint) === target) this.byEndpoint.delete(target.endpoint);
      if (target && next) Object.assign(target, next);
    }
    const current = existing ?? row;
    this.byId.set(current.id, current);
    this.byEndpoint.set(current.endpoint, current);
    if (displaced) this.byEndpoint.set(displaced.endpoint, displaced);
    if (displaced) this.deps.log.warn({ workerId: row.id, endpoint: row.endpoint, previous: displaced.id }, "worker took over the endpoint of an offline worker");
    this.deps.log.info({ workerId: row.id, endpoint: row.endpoint, restart: existing !== undefined }, "worker registered");
    return { assignedSessions: this.assignedSessions(row.id) };
  }

  /** Records a heartbeat; resolves (with the commands to deliver) once it is committed. */
  async heartbeat(workerId: string, body: Static<typeof HeartbeatBody>): Promise<Command[]> {
    const w = this.registered(workerId);
    const now = this.deps.now();
    if (w.status === "OFFLINE" && body.status !== "OFFLINE") this.deps.log.info({ workerId }, "worker is heartbeating again");
    w.status = body.status;
    w.lastHeartbeat = now;
    w.currentSessions = body.sessions?.total ?? w.currentSessions;
    w.updatedAt = now;
    w.offlineReason = body.status === "OFFLINE" ? "reported by the worker" : null;
    const metrics = metricsRow(workerId, body, now);
    this.lastMetrics.set(workerId, metrics);
    const commands = this.deps.commands.exchange(workerId, body.ackCommandIds);
    await this.deps.writer.write(w, metrics);
    return commands;
  }

  /** Marks the worker OFFLINE and unregistered; its heartbeats get 404 until it registers again. Repeating it is harmless. */
  unregister(workerId: string): void {
    const w = this.byId.get(workerId);
    if (!w) throw notFound(workerId);
    if (w.unregisteredAt === null) this.markOffline(w, "unregistered");
  }

  /** Asks the worker, through its next heartbeat, to take no new sessions. */
  drain(workerId: string): Command {
    this.registered(workerId);
    return this.deps.commands.enqueue(workerId, { type: "DRAIN" });
  }

  /** Marks every live worker silent for longer than `timeoutMs` OFFLINE. Returns their ids. */
  sweep(timeoutMs: number): string[] {
    const now = this.deps.now();
    const expired = [...this.byId.values()].filter((w) => isLive(w) && Math.max(w.lastHeartbeat ?? w.updatedAt, this.startedAt) < now - timeoutMs);
    for (const w of expired) this.markOffline(w, "heartbeat_timeout");
    return expired.map((w) => w.id);
  }

  /** Known to the registry, registered or not (events may trail an unregister). */
  isKnown(workerId: string): boolean {
    return this.byId.has(workerId);
  }

  get(workerId: string): WorkerRow | undefined {
    return this.byId.get(workerId);
  }

  all(): WorkerRow[] {
    return [...this.byId.values()];
  }

  latestMetrics(workerId: string): WorkerMetricsRow | undefined {
    return this.lastMetrics.get(workerId);
  }

  assignedSessions(workerId: string): string[] {
    return this.deps.orm
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.workerId, workerId), notInArray(sessions.status, NOT_RUNNING)))
      .orderBy(sessions.id)
      .all()
      .map((s) => s.id);
  }

  private registered(workerId: string): WorkerRow {
    const w = this.byId.get(workerId);
    if (!w || w.unregisteredAt !== null) throw notFound(workerId);
    return w;
  }

  /** The hook failover builds on: the worker_offline event in the ledger says which worker went and why. */
  private markOffline(w: WorkerRow, reason: OfflineReason): void {
    const now = this.deps.now();
    const lastHeartbeat = w.lastHeartbeat;
    w.status = "OFFLINE";
    w.offlineReason = reason;
    w.updatedAt = now;
    if (reason === "unregistered") w.unregisteredAt = now;
    this.deps.store.sqlite.transaction(() => {
      this.deps.store.saveWorker(w);
      this.deps.ledger.append({
        event: "worker_offline",
        source: "coordinator",
        workerId: w.id,
        data: { reason, lastHeartbeat: lastHeartbeat === null ? null : new Date(lastHeartbeat).toISOString() },
        receivedAt: now,
      });
    })();
    this.deps.log.warn({ workerId: w.id, reason }, "worker is OFFLINE");
  }
}

function isLive(w: WorkerRow): boolean {
  return w.unregisteredAt === null && w.status !== "OFFLINE";
}

function notFound(workerId: string): AppError {
  return new AppError(404, "WORKER_NOT_FOUND", `Worker ${workerId} is not registered`);
}

function metricsRow(workerId: string, body: Static<typeof HeartbeatBody>, now: number): WorkerMetricsRow {
  const s = body.sessions;
  return {
    id: Bun.randomUUIDv7("hex", now),
    workerId,
    status: body.status,
    cpuUsage: body.cpuUsage ?? null,
    memoryUsage: body.memoryUsage ?? null,
    uptime: body.uptime ?? null,
    messageCount: body.messageCount ?? null,
    sessionTotal: s?.total ?? null,
    sessionConnected: s?.connected ?? null,
    sessionDisconnected: s?.disconnected ?? null,
    sessionQrRequired: s?.qr_required ?? null,
    sessionReconnecting: s?.reconnecting ?? null,
    sessionError: s?.error ?? null,
    timestamp: now,
    reportedAt: body.timestamp === undefined ? null : Date.parse(body.timestamp),
    bucketMs: null,
    samples: 1,
  };
}
