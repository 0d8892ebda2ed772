import type { Logger } from "../platform/logger.ts";
import type { DeliveryStore } from "./delivery-store.ts";
import type { DeliveryQueue } from "./queue.ts";

/** How often the sweeper looks, and how many deliveries it checks each time. */
const SWEEP_EVERY_MS = 5_000;
const PAGE = 500;
/**
 * A delivery is checked only once it has not changed for this long: between
 * its SQLite write and its queue add it has no job for a few milliseconds,
 * and that must not look lost.
 */
const IDLE_MS = 10_000;

/**
 * Puts back the queue jobs Redis lost. SQLite is the truth and the queue only
 * says what to try next, so when Redis loses its data (a restart without AOF,
 * FLUSHALL, a failover to an empty replica) pending deliveries would wait for
 * a job that no longer exists, and a failing receiver's probe with them: that
 * receiver would get nothing more until the coordinator restarts. Each sweep
 * checks a page of idle pending deliveries against the queue, resuming where
 * the last one stopped, so a large backlog costs one page per sweep.
 */
export class LostJobSweeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The last delivery id checked; the next sweep goes on after it, and starts over at the end. */
  private cursor = "";

  constructor(private readonly deps: { store: DeliveryStore; queue: DeliveryQueue; log: Logger; now?: () => number }) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One page: re-queues the deliveries whose job is missing; returns how many. */
  async sweep(): Promise<number> {
    const now = (this.deps.now ?? Date.now)();
    const rows = this.deps.store.idleQueued(now - IDLE_MS, this.cursor, PAGE);
    this.cursor = rows.length < PAGE ? "" : rows.at(-1)!.id;
    const lost = await this.deps.queue.missing(rows);
    if (lost.length === 0) return 0;
    // The lost jobs' flags went with them. Released probes are what the gate copes with whatever they were:
    // a released one it did not count only lowers its count (never below 0), and a probe at a failing receiver
    // is one attempt, where a non-probe would park and wait for a probe that no longer exists.
    await this.deps.queue.add(lost, { released: true, probe: true });
    this.deps.log.warn(
      { requeued: lost.length, targets: [...new Set(lost.map((r) => r.target))] },
      "webhook deliveries had lost their queue jobs (Redis lost its data?): queued again",
    );
    return lost.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep()
        .catch((err: unknown) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not check webhook deliveries against their queue"))
        .finally(() => this.schedule());
    }, SWEEP_EVERY_MS);
  }
}
