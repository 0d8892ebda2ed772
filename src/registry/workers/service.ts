import type { Static } from "elysia";
import { AppError } from "../../http/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { SessionStore } from "../../sessions/session-store.ts";
import type { LiveWorkerStatus, SessionStatus, WorkerCommandType } from "../../contracts/worker-api/vocabulary.ts";
import type { Command } from "../../contracts/worker-api/commands.ts";
import type { CommandQueue } from "../commands/queue.ts";
import type { EventLedgerStore } from "../events/event-ledger-store.ts";
import type { HeartbeatWriter } from "./heartbeat-writer.ts";
import type { HeartbeatBody, RegisterBody } from "../../contracts/worker-api/workers.ts";
import type { WorkerMetricsRow, WorkerRow } from "./schema.ts";
import type { WorkerStore } from "./worker-store.ts";
import type { WorkerMetricsStore } from "./worker-metrics-store.ts";

/** Sessions in these states run nowhere, so a restarting worker is not asked to run them. */
export const NOT_RUNNING: SessionStatus[] = ["stopped", "logged_out", "deleted"];

type OfflineReason = "unregistered" | "heartbeat_timeout" | "lease_lapsed";

/** Told whenever a worker's standing changes (registered, status, offline), after it is saved. */
type WorkerObserver = (worker: WorkerRow) => void;

interface WorkerRegistryDeps {
  store: WorkerStore;
  metrics: Pick<WorkerMetricsStore, "latest">;
  sessions: SessionStore;
  writer: HeartbeatWriter;
  commands: CommandQueue;
  ledger: EventLedgerStore;
  now(): number;
  log: Logger;
}

/**
 * The registry of workers: who is registered, at which endpoint, whether it
 * is alive. All of it is held in memory, since this coordinator is the only
 * writer of its data dir, and persisted on every change (heartbeats through
 * the buffered writer, the rest at once).
 */
export class WorkerRegistry {
  private readonly byId = new Map<string, WorkerRow>();
  private readonly byEndpoint = new Map<string, WorkerRow>();
  private readonly lastMetrics = new Map<string, WorkerMetricsRow>();
  /** Liveness counts from here at the earliest, so a coordinator restart does not time out every worker at once. */
  private readonly startedAt: number;
  /** A set, so a second subscriber (cluster control, a test) cannot silently replace the first. */
  private readonly observers = new Set<WorkerObserver>();

  constructor(private readonly deps: WorkerRegistryDeps) {
    this.startedAt = deps.now();
    for (const w of deps.store.loadWorkers()) {
      this.track(w);
      const m = deps.metrics.latest(w);
      if (m) this.lastMetrics.set(w.id, m);
    }
  }

  /** Calls `observer` after every change of a worker's row; returns the unsubscribe. */
  observe(observer: WorkerObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify(worker: WorkerRow): void {
    for (const observer of this.observers) observer(worker);
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
    this.deps.store.atomically(() => {
      if (released) this.deps.store.saveWorker(released);
      this.deps.store.saveWorker(row);
      this.deps.commands.redeliver(row.id);
    });
    // Memory changes once the transaction has committed, and in place: a
    // heartbeat batch waiting to commit holds these very objects.
    if (displaced && released) this.replace(displaced, released);
    if (existing) this.replace(existing, row);
    else this.track(row);
    if (displaced) this.deps.log.warn({ workerId: row.id, endpoint: row.endpoint, previous: displaced.id }, "worker took over the endpoint of an offline worker");
    this.deps.log.info({ workerId: row.id, endpoint: row.endpoint, restart: existing !== undefined }, "worker registered");
    this.notify(this.byId.get(row.id) ?? row);
    return { assignedSessions: this.assignedSessions(row.id) };
  }

  /** Records a heartbeat (committed within a few milliseconds) and returns the commands to deliver. */
  heartbeat(workerId: string, body: Static<typeof HeartbeatBody>): Command[] {
    const w = this.registered(workerId);
    this.deps.writer.throwIfFailing();
    const now = this.deps.now();
    if (w.status === "OFFLINE" && body.status !== "OFFLINE") this.deps.log.info({ workerId }, "worker is heartbeating again");
    const previous = w.status;
    // An operator's DRAIN or UNDRAIN the worker has not acknowledged yet outranks what it still reports.
    w.status = this.deps.commands.pendingStatus(workerId) ?? body.status;
    w.lastHeartbeat = now;
    w.currentSessions = body.sessions?.total ?? w.currentSessions;
    w.updatedAt = now;
    w.offlineReason = body.status === "OFFLINE" ? "reported by the worker" : null;
    const metrics = metricsRow(workerId, body, now);
    this.lastMetrics.set(workerId, metrics);
    this.deps.writer.write(w, metrics);
    const commands = this.deps.commands.exchange(workerId, body.ackCommandIds);
    if (w.status !== previous) this.notify(w);
    return commands;
  }

  /** Marks the worker OFFLINE and unregistered; its heartbeats get 404 until it registers again. Repeating it is harmless. */
  unregister(workerId: string): void {
    const w = this.byId.get(workerId);
    if (!w) throw notFound(workerId);
    if (w.unregisteredAt === null) this.markOffline(w, "unregistered");
  }

  /**
   * MAINTENANCE at once (placement moves its sessions away), and a DRAIN
   * command for the worker's next heartbeat: it takes no new sessions.
   */
  drain(workerId: string): Command {
    return this.setMaintenance(workerId, "MAINTENANCE", "DRAIN");
  }

  /** Ends a drain: ONLINE again at once, and UNDRAIN for the worker; rebalancing brings sessions back. */
  undrain(workerId: string): Command {
    return this.setMaintenance(workerId, "ONLINE", "UNDRAIN");
  }

  private setMaintenance(workerId: string, status: LiveWorkerStatus, type: WorkerCommandType): Command {
    const w = this.registered(workerId);
    if (w.status === "OFFLINE") throw new AppError(409, "WORKER_OFFLINE", `Worker ${workerId} is OFFLINE`);
    const command = this.deps.store.atomically(() => {
      w.status = status;
      w.updatedAt = this.deps.now();
      this.deps.store.saveWorker(w);
      return this.deps.commands.enqueue(workerId, { type });
    });
    this.deps.log.info({ workerId, status }, type === "DRAIN" ? "worker drained by the operator" : "worker undrained by the operator");
    this.notify(w);
    return command;
  }

  /**
   * The worker's liveness key lapsed with its session leases: it is dead (or
   * cut off from Redis) whatever its last heartbeat said.
   */
  leaseLapsed(workerId: string): void {
    const w = this.byId.get(workerId);
    if (w && isLive(w)) this.markOffline(w, "lease_lapsed");
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

  private assignedSessions(workerId: string): string[] {
    return this.deps.sessions.placedOn(workerId);
  }

  private track(w: WorkerRow): void {
    this.byId.set(w.id, w);
    this.byEndpoint.set(w.endpoint, w);
  }

  private replace(w: WorkerRow, next: WorkerRow): void {
    if (this.byEndpoint.get(w.endpoint) === w) this.byEndpoint.delete(w.endpoint);
    Object.assign(w, next);
    this.byEndpoint.set(w.endpoint, w);
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
    this.deps.store.atomically(() => {
      this.deps.store.saveWorker(w);
      this.deps.ledger.append({
        event: "worker_offline",
        source: "coordinator",
        workerId: w.id,
        data: { reason, lastHeartbeat: lastHeartbeat === null ? null : new Date(lastHeartbeat).toISOString() },
        receivedAt: now,
      });
    });
    this.deps.log.warn({ workerId: w.id, reason }, "worker is OFFLINE");
    this.notify(w);
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
