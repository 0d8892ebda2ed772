import { AppError } from "../http/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { WorkerRow } from "../registry/workers/schema.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import { type SessionStatus } from "../contracts/worker-api/vocabulary.ts";
import type { PlacementMirror } from "./placement-mirror.ts";
import type { PlacementHistoryFilter, PlacementHistoryStore } from "./placement-history-store.ts";
import type { PlacementReason, PlacementRow } from "./schema.ts";

/** What placement needs to know of the worker registry. */
export interface WorkerDirectory {
  all(): WorkerRow[];
  get(workerId: string): WorkerRow | undefined;
}

export interface WorkerLoad {
  workerId: string;
  placed: number;
  maxSessions: number;
}

/** Sessions that run nowhere on purpose: placement lets go of them. */
const ENDED: ReadonlySet<SessionStatus> = new Set(["stopped", "logged_out", "deleted", "error", "auth_unreadable"]);
/** A worker reporting one of these runs the session. */
const RUNNING: ReadonlySet<SessionStatus> = new Set(["connected", "connecting", "qr_required", "pairing_code", "reconnecting"]);

/** A worker that may be given sessions: registered, ONLINE (not MAINTENANCE, not OFFLINE). */
function takesSessions(w: WorkerRow): boolean {
  return w.unregisteredAt === null && w.status === "ONLINE";
}

/**
 * Where every session runs. The coordinator alone decides: the least loaded
 * ONLINE worker relative to its MAX_SESSIONS, never one in MAINTENANCE, OFFLINE
 * or full. A decision is written to SQLite (the truth, with its history), then
 * to the Redis sets workers follow. When every worker is full a session waits
 * as `pending_capacity` and is placed as soon as room frees up.
 *
 * Decisions are made one at a time (a small async lock), so memory, SQLite
 * and Redis change in the same order.
 */
export class PlacementService {
  private readonly owner = new Map<string, string>();
  private readonly byWorker = new Map<string, Set<string>>();
  /** Waiting for capacity, oldest first. */
  private readonly pending = new Set<string>();
  private readonly movedAt = new Map<string, number>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      sessions: SessionStore;
      history: PlacementHistoryStore;
      workers: WorkerDirectory;
      mirror: PlacementMirror;
      /** Contract A's way to tell a worker: a START_SESSION command in its next heartbeat answer. */
      tell?(workerId: string, sessionId: string): void;
      now(): number;
      log: Logger;
    },
  ) {
    for (const r of deps.sessions.placements()) {
      if (r.placedOn) this.track(r.id, r.placedOn);
      else this.pending.add(r.id);
    }
  }

  /** Rewrites the workers' Redis sets from the registry, then places what waited. Run once at start. */
  async start(): Promise<void> {
    await this.exclusive(() => this.deps.mirror.rebuild(this.byWorker, this.deps.workers.all().map((w) => w.id)));
    await this.placePending();
  }

  where(sessionId: string): string | undefined {
    return this.owner.get(sessionId);
  }

  isPending(sessionId: string): boolean {
    return this.pending.has(sessionId);
  }

  pendingSessions(): string[] {
    return [...this.pending];
  }

  sessionsOn(workerId: string): string[] {
    return [...(this.byWorker.get(workerId) ?? [])];
  }

  /** Calls `listener` after every placement change of the session; returns the unsubscribe. */
  watch(sessionId: string, listener: () => void): () => void {
    let set = this.watchers.get(sessionId);
    if (!set) this.watchers.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.watchers.get(sessionId) === set) this.watchers.delete(sessionId);
    };
  }

  /**
   * START_SESSION: keeps the session where it is if that worker still takes
   * sessions, else places it. Undefined when every worker is full: the
   * session is then `pending_capacity` (watch it to learn when it is placed).
   */
  placeForStart(sessionId: string): Promise<string | undefined> {
    return this.exclusive(async () => {
      const current = this.owner.get(sessionId);
      const w = current === undefined ? undefined : this.deps.workers.get(current);
      if (w && takesSessions(w)) return current;
      return this.assign(sessionId, this.choose(), "start");
    });
  }

  /** STOP, DELETE, or a session that ended by itself (logged out, gave up): it runs nowhere now. */
  unplace(sessionId: string, reason: "stop" | "ended"): Promise<void> {
    return this.exclusive(async () => {
      const wasPending = this.pending.delete(sessionId);
      if (!this.owner.has(sessionId) && !wasPending) return;
      await this.assign(sessionId, null, reason, { pendingOnNone: false });
      // Room freed up: a waiting session may fit now.
      void this.placePending();
    });
  }

  /**
   * A worker reported a session's status. One that ended lets go of its
   * placement; one running where nothing placed it (a worker that started it
   * while this coordinator was away or knew nothing of it) is adopted there.
   */
  noteStatus(sessionId: string, workerId: string, status: SessionStatus): void {
    const owner = this.owner.get(sessionId);
    const fail = (err: unknown) => this.deps.log.error({ err, sessionId }, "could not record a session's placement");
    if (ENDED.has(status) && owner === workerId) void this.unplace(sessionId, "ended").catch(fail);
    else if (RUNNING.has(status) && owner === undefined && !this.pending.has(sessionId)) {
      void this.exclusive(async () => {
        if (!this.owner.has(sessionId) && !this.pending.has(sessionId)) await this.assign(sessionId, workerId, "adopted");
      }).catch(fail);
    }
  }

  /**
   * A worker left (unregistered): its sessions move where there is room;
   * the rest stay placed on it, shown `disconnected`, and resume when it
   * comes back or when the rebalancer finds them room.
   */
  strand(workerId: string): Promise<void> {
    return this.exclusive(async () => {
      for (const sessionId of this.sessionsOn(workerId)) {
        const to = this.choose(workerId);
        if (to !== undefined) await this.assign(sessionId, to, "drain");
      }
      const left = this.sessionsOn(workerId);
      if (left.length === 0) return;
      this.deps.sessions.disconnectPlacedOn(workerId, `its worker ${workerId} stopped; it resumes when a worker has room`, this.deps.now(), [...ENDED]);
      this.deps.log.warn({ workerId, sessions: left.length }, "worker left with sessions no other worker has room for");
    });
  }

  /**
   * Moves every session off a worker that died or drains. After a death,
   * those that fit nowhere wait for capacity; a draining worker (or one that
   * may only be cut off from the coordinator) keeps those until room appears
   * (the rebalancer moves them then).
   */
  evacuate(workerId: string, reason: "failover" | "drain", keepWithoutRoom = reason === "drain"): Promise<number> {
    return this.exclusive(async () => {
      let moved = 0;
      for (const sessionId of this.sessionsOn(workerId)) {
        const to = this.choose(workerId);
        if (to === undefined && keepWithoutRoom) continue;
        await this.assign(sessionId, to, reason);
        moved++;
      }
      if (moved > 0) this.deps.log.warn({ workerId, reason, sessions: moved }, "moved sessions off a worker");
      return moved;
    });
  }

  /** Moves one session to `to` (or the least loaded other worker). Refused if no such worker takes sessions. */
  move(sessionId: string, to: string | undefined, reason: "move" | "rebalance" | "drain"): Promise<string> {
    return this.exclusive(async () => {
      const from = this.owner.get(sessionId);
      if (from === undefined) throw new AppError(409, "SESSION_NOT_PLACED", `Session "${sessionId}" runs on no worker (stopped, ended, or waiting for capacity)`);
      const target = to ?? this.choose(from);
      const w = target === undefined ? undefined : this.deps.workers.get(target);
      if (to !== undefined && !w) throw new AppError(404, "WORKER_NOT_FOUND", `Worker ${to} is not registered`);
      if (!w || !takesSessions(w)) throw new AppError(409, "NO_CAPACITY", to ? `Worker ${to} does not take sessions (status ${w?.status ?? "unknown"})` : "No other worker takes sessions");
      if ((this.byWorker.get(w.id)?.size ?? 0) >= w.maxSessions && target !== from) throw new AppError(409, "NO_CAPACITY", `Worker ${w.id} is full (${w.maxSessions} sessions)`);
      if (target !== from) await this.assign(sessionId, w.id, reason);
      return w.id;
    });
  }

  /** Places sessions waiting for capacity, oldest first, while there is room. */
  placePending(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return this.exclusive(async () => {
      for (const sessionId of [...this.pending]) {
        const target = this.choose();
        if (target === undefined) return;
        await this.assign(sessionId, target, "capacity");
      }
    });
  }

  /** Sessions placed per worker that takes sessions, for the rebalancer. */
  loads(): WorkerLoad[] {
    return this.deps.workers
      .all()
      .filter(takesSessions)
      .map((w) => ({ workerId: w.id, placed: this.byWorker.get(w.id)?.size ?? 0, maxSessions: w.maxSessions }));
  }

  /** When a session last changed workers (ms), if since this coordinator started. */
  lastMoved(sessionId: string): number | undefined {
    return this.movedAt.get(sessionId);
  }

  /** The placement history, newest first; of one session if given. */
  history(filter: PlacementHistoryFilter): PlacementRow[] {
    return this.deps.history.list(filter);
  }

  /** The least loaded worker that takes sessions and has room, relative to its MAX_SESSIONS. */
  private choose(exclude?: string): string | undefined {
    let best: string | undefined;
    let bestLoad = Infinity;
    for (const w of this.deps.workers.all()) {
      if (w.id === exclude || !takesSessions(w)) continue;
      const placed = this.byWorker.get(w.id)?.size ?? 0;
      if (placed >= w.maxSessions) continue;
      const load = placed / w.maxSessions;
      if (load < bestLoad || (load === bestLoad && best !== undefined && w.id < best)) {
        best = w.id;
        bestLoad = load;
      }
    }
    return best;
  }

  /**
   * Records one decision: `to` null takes the session off every worker
   * (waiting for capacity, unless `pendingOnNone` is false).
   */
  private async assign(sessionId: string, to: string | null | undefined, reason: PlacementReason, opts: { pendingOnNone: boolean } = { pendingOnNone: true }): Promise<string | undefined> {
    const from = this.owner.get(sessionId) ?? null;
    const target = to ?? null;
    const waits = target === null && opts.pendingOnNone;
    const now = this.deps.now();
    if (from === target && (!waits || this.pending.has(sessionId))) return target ?? undefined;
    this.deps.sessions.atomically(() => {
      // A failed-over session is down until its new worker logs in (which then reports for itself).
      this.deps.sessions.place(sessionId, target, now, waits ? "pending_capacity" : reason === "failover" ? "reconnecting" : undefined);
      if (from !== target || waits) this.deps.history.record({ sessionId, fromWorker: from, toWorker: target, reason: waits ? "capacity" : reason, at: now });
    });
    if (from) this.byWorker.get(from)?.delete(sessionId);
    this.owner.delete(sessionId);
    if (target) {
      this.track(sessionId, target);
      this.pending.delete(sessionId);
      if (from) this.movedAt.set(sessionId, now);
    } else if (waits) this.pending.add(sessionId);
    await this.deps.mirror.move(sessionId, from, target);
    // The Redis set and its ping act at once; the command is contract A's record of the same decision.
    // (An adopted session already runs there.)
    if (target && reason !== "adopted") this.deps.tell?.(target, sessionId);
    if (waits) this.deps.log.warn({ sessionId, from }, "no worker has room: the session waits for capacity");
    else this.deps.log.info({ sessionId, from, to: target, reason }, "session placed");
    for (const listener of [...(this.watchers.get(sessionId) ?? [])]) listener();
    return target ?? undefined;
  }

  private track(sessionId: string, workerId: string): void {
    this.owner.set(sessionId, workerId);
    let set = this.byWorker.get(workerId);
    if (!set) this.byWorker.set(workerId, (set = new Set()));
    set.add(sessionId);
  }

  /** Resolves once every decision already asked for is written (a shutdown waits for it). */
  settled(): Promise<void> {
    return this.lock.then(() => undefined);
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task, task);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
