import type { Redis } from "ioredis";
import { aliveKey } from "../cluster/names.ts";
import type { Logger } from "../platform/logger.ts";
import type { WorkerRegistry } from "../registry/workers/service.ts";
import type { PlacementService } from "./service.ts";

/**
 * Watches each live worker's liveness key, which lapses with its session
 * leases. A missing key means the worker died (or lost Redis): it is marked
 * OFFLINE at once, and placement moves its sessions. This, not the HTTP
 * heartbeat, is what makes failover fast, and it cannot fire while the
 * worker still holds its leases: a slow heartbeat moves nothing.
 *
 * Only workers seen alive once, or with sessions placed on them, are judged:
 * a worker built from contract A alone keeps no such key.
 */
export class LivenessMonitor {
  private readonly seen = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  constructor(
    private readonly deps: { redis: Redis; workers: WorkerRegistry; placement: PlacementService; intervalMs: number; log: Logger },
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
      if (live.length === 0) return;
      const pipe = this.deps.redis.pipeline();
      for (const w of live) pipe.exists(aliveKey(w.id));
      const answers = (await pipe.exec()) ?? [];
      live.forEach((w, i) => {
        const [err, exists] = answers[i] ?? [null, 1];
        if (err) return;
        if (exists === 1) {
          this.seen.add(w.id);
          return;
        }
        if (!this.seen.has(w.id) && this.deps.placement.sessionsOn(w.id).length === 0) return;
        this.seen.delete(w.id);
        this.deps.log.warn({ workerId: w.id }, "worker's leases lapsed: failing its sessions over");
        this.deps.workers.leaseLapsed(w.id);
      });
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not check worker liveness");
    } finally {
      this.busy = false;
    }
  }
}
