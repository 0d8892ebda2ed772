import type { Redis } from "ioredis";
import { aliveKey, workerConnectionName } from "../cluster/names.ts";
import type { SessionStatus } from "../contracts/worker-api/vocabulary.ts";
import type { Logger } from "../platform/logger.ts";
import type { WorkerRegistry } from "../registry/workers/service.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { PlacementService } from "./service.ts";

/** Statuses that say a worker serves the session right now: the ones a vanished worker makes untrue. */
const SERVED: ReadonlySet<SessionStatus> = new Set(["connected", "connecting", "qr_required", "pairing_code"]);

/**
 * Watches each live worker's liveness key, which lapses with its session
 * leases. A missing key means the worker died (or lost Redis): it is marked
 * OFFLINE at once, and placement moves its sessions. This, not the HTTP
 * heartbeat, is what makes failover fast, and it cannot fire while the
 * worker still holds its leases: a slow heartbeat moves nothing.
 *
 * Only workers seen alive once, or with sessions placed on them, are judged:
 * a worker built from contract A alone keeps no such key.
 *
 * Before the lapse, the worker's named Redis connection tells more: Redis
 * drops it the moment the process dies. Its sessions then read `reconnecting`
 * at once (they stay placed on it until the lapse proves its leases are
 * free), and read what they did again if the connection comes back first.
 */
export class LivenessMonitor {
  private readonly seen = new Set<string>();
  /** Workers whose named connection was seen once: only those are judged by it (an older worker names none). */
  private readonly named = new Set<string>();
  /** Per vanished worker, the sessions shown reconnecting and what each showed before. */
  private readonly vanished = new Map<string, Map<string, SessionStatus>>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  constructor(
    private readonly deps: {
      redis: Redis;
      workers: WorkerRegistry;
      placement: PlacementService;
      sessions: Pick<SessionStore, "statusOf" | "place">;
      intervalMs: number;
      now(): number;
      log: Logger;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const live = this.deps.workers.all().filter((w) => w.unregisteredAt === null && w.status !== "OFFLINE");
      for (const id of this.vanished.keys()) if (!live.some((w) => w.id === id)) this.vanished.delete(id);
      if (live.length === 0) return;
      const pipe = this.deps.redis.pipeline();
      for (const w of live) pipe.exists(aliveKey(w.id));
      pipe.client("LIST");
      const answers = (await pipe.exec()) ?? [];
      const [listErr, list] = answers[live.length] ?? [null, ""];
      const connected = listErr || typeof list !== "string" ? undefined : connectionNames(list);
      live.forEach((w, i) => {
        const [err, exists] = answers[i] ?? [null, 1];
        if (err) return;
        if (exists === 1) {
          this.seen.add(w.id);
          if (connected) this.judgeConnection(w.id, connected.has(workerConnectionName(w.id)));
          return;
        }
        if (!this.seen.has(w.id) && this.deps.placement.sessionsOn(w.id).length === 0) return;
        this.seen.delete(w.id);
        this.vanished.delete(w.id);
        this.deps.log.warn({ workerId: w.id }, "worker's leases lapsed: failing its sessions over");
        this.deps.workers.leaseLapsed(w.id);
      });
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not check worker liveness");
    } finally {
      this.busy = false;
    }
  }

  private judgeConnection(workerId: string, present: boolean): void {
    if (present) {
      this.named.add(workerId);
      this.reappeared(workerId);
    } else if (this.named.has(workerId) && !this.vanished.has(workerId)) {
      this.disappeared(workerId);
    }
  }

  private disappeared(workerId: string): void {
    const shown = new Map<string, SessionStatus>();
    const now = this.deps.now();
    for (const sessionId of this.deps.placement.sessionsOn(workerId)) {
      const status = this.deps.sessions.statusOf(sessionId);
      if (status === undefined || !SERVED.has(status)) continue;
      this.deps.sessions.place(sessionId, workerId, now, "reconnecting");
      shown.set(sessionId, status);
    }
    this.vanished.set(workerId, shown);
    this.deps.log.warn({ workerId, sessions: shown.size }, "worker's Redis connection is gone: its sessions are down until its leases lapse and they move");
  }

  /** Back before its leases lapsed (a Redis blip): its sessions read what they did, unless moved or changed since. */
  private reappeared(workerId: string): void {
    const shown = this.vanished.get(workerId);
    if (!shown) return;
    this.vanished.delete(workerId);
    const now = this.deps.now();
    for (const [sessionId, status] of shown) {
      if (this.deps.placement.where(sessionId) === workerId && this.deps.sessions.statusOf(sessionId) === "reconnecting") this.deps.sessions.place(sessionId, workerId, now, status);
    }
    this.deps.log.info({ workerId }, "worker's Redis connection is back before its leases lapsed");
  }
}

/** The names of the connections `CLIENT LIST` shows. */
function connectionNames(list: string): Set<string> {
  const names = new Set<string>();
  for (const line of list.split("\n")) {
    const name = / name=(\S*)/.exec(line)?.[1];
    if (name) names.add(name);
  }
  return names;
}
