import type { Redis } from "ioredis";
import { placedKey, placementChannel } from "../../cluster/names.ts";
import type { Logger } from "../../platform/logger.ts";
import { authCredsKey } from "../../whatsapp/auth-state/redis-auth-state.ts";
import type { SessionHost } from "../sessions/session-host.ts";

/**
 * Makes the sessions this worker runs match what the coordinator placed on
 * it (the Redis set `wag:placed:{workerId}`): starts sessions placed here that
 * are not running, and hands over those placed elsewhere. It looks whenever
 * the coordinator announces a change, and on a timer as well, so a missed
 * announcement (or a coordinator that is down) only delays it.
 *
 * Only sessions with stored credentials are started from here: a brand-new
 * session starts through its START_SESSION job, which may carry a pairing
 * phone number this path knows nothing about.
 */
export class PlacementFollower {
  private subscriber: Redis | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  private again = false;

  constructor(
    private readonly deps: { redis: Redis; host: SessionHost; workerId: string; intervalMs: number; log: Logger },
  ) {}

  async start(): Promise<void> {
    const subscriber = this.deps.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on("message", () => this.poke());
    subscriber.on("error", (err) => this.deps.log.warn({ err: err.message }, "placement subscription error"));
    await subscriber.subscribe(placementChannel(this.deps.workerId));
    this.timer = setInterval(() => this.poke(), this.deps.intervalMs);
    this.poke();
  }

  /** Whether the coordinator placed the session on this worker. */
  async placedHere(sessionId: string): Promise<boolean> {
    return (await this.deps.redis.sismember(placedKey(this.deps.workerId), sessionId)) === 1;
  }

  stop(): void {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  /** Runs a pass now, or once more right after the one under way (changes are coalesced). */
  poke(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    void this.follow()
      .catch((err: unknown) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not follow the placement; trying again shortly"))
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async follow(): Promise<void> {
    const { redis, host, log } = this.deps;
    const placed = new Set(await redis.smembers(placedKey(this.deps.workerId)));
    // Hand over even while draining: a drained worker keeps what fits nowhere else only until the
    // coordinator finds it room, and the new owner waits for this worker to let go.
    for (const sessionId of host.running()) {
      if (!placed.has(sessionId)) void host.serialize(sessionId, () => host.release(sessionId)).catch((err: unknown) => log.warn({ err, sessionId }, "could not hand a session over"));
    }
    if (!host.accepting) return;
    const candidates = [...placed].filter((id) => !host.isRunning(id) && !host.heldBack(id));
    if (candidates.length === 0) return;
    const pipe = redis.pipeline();
    for (const id of candidates) pipe.exists(authCredsKey(id));
    const exists = (await pipe.exec()) ?? [];
    candidates.forEach((sessionId, i) => {
      if (exists[i]?.[1] !== 1) return;
      void host
        .serialize(sessionId, async () => {
          // Placed elsewhere meanwhile, or already started by a job: nothing to do.
          if (host.isRunning(sessionId) || !(await this.placedHere(sessionId))) return;
          await host.start(sessionId);
        })
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err), sessionId }, "could not take over a session placed here"));
    });
  }
}
