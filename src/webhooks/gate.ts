/** How long an over-limit delivery waits for a slot at its receiver before it is parked instead. */
const SLOT_WAIT_MS = 200;

interface TargetState {
  inFlight: number;
  /** The last attempt failed: new deliveries park until a retry (the probe) succeeds. */
  failing: boolean;
  /** Some deliveries of this target are parked in SQLite. */
  parked: boolean;
  /** Released from parking and queued, not yet started. */
  releasedQueued: number;
  /** When it last freed a slot (or was first seen): a receiver that frees none is slow, and not waited for. */
  freedAt: number;
  waiters: ((admitted: boolean) => void)[];
}

export type Outcome = "ok" | "failed" | "dead";

/**
 * Keeps one receiver from holding up the others, in memory, per target:
 * - at most `perTarget` POSTs in flight to it. One more waits briefly for a
 *   slot if the receiver freed one within that wait (a fast receiver frees one
 *   within milliseconds) and fewer than `perTarget` already wait, else it is
 *   parked at once: a waiting delivery holds one of the global delivery slots,
 *   so waiting on a hung or slow receiver would slow every other receiver;
 * - once an attempt fails, new deliveries are parked rather than queued to
 *   fail one by one; the failed one's own retries probe the receiver, and
 *   the first success lets the parked ones out.
 * Parked deliveries wait in SQLite, off the queue, so a long outage costs
 * nothing while it lasts.
 */
export class DeliveryGate {
  private readonly targets = new Map<string, TargetState>();

  constructor(
    private readonly perTarget: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves true with a slot held (call `release`), or false: park the delivery. A probe (a retry) may try a failing receiver. */
  async acquire(target: string, probe: boolean): Promise<boolean> {
    const s = this.state(target);
    // One probe at a time: while one is out, the rest wait parked for its verdict.
    if (s.failing && (!probe || s.inFlight > 0)) return false;
    if (s.inFlight < this.perTarget) {
      s.inFlight++;
      return true;
    }
    if (s.waiters.length >= this.perTarget || this.now() - s.freedAt > SLOT_WAIT_MS) return false;
    return new Promise<boolean>((resolve) => {
      const waiter = (admitted: boolean) => {
        clearTimeout(timer);
        resolve(admitted);
      };
      const timer = setTimeout(() => {
        s.waiters.splice(s.waiters.indexOf(waiter), 1);
        resolve(false);
      }, SLOT_WAIT_MS);
      s.waiters.push(waiter);
    });
  }

  /** Notes a parked delivery, so a later success releases it. */
  parked(target: string): void {
    this.state(target).parked = true;
  }

  /** A delivery released from parking has started (whatever happens to it next). */
  arrived(target: string): void {
    const s = this.state(target);
    s.releasedQueued = Math.max(0, s.releasedQueued - 1);
  }

  /**
   * Ends an attempt. Returns how many parked deliveries to release now: after
   * a success, enough to keep twice the per-target limit queued or in flight;
   * after a delivery died, one (the next probe) if nothing else is under way;
   * none while the receiver fails.
   */
  release(target: string, outcome: Outcome): number {
    const s = this.state(target);
    s.freedAt = this.now();
    const next = s.waiters.shift();
    if (next) next(true);
    else s.inFlight--;
    s.failing = outcome !== "ok";
    if (!s.parked) {
      if (!s.failing && s.inFlight === 0 && s.waiters.length === 0) this.targets.delete(target);
      return 0;
    }
    if (outcome === "ok") return Math.max(0, 2 * this.perTarget - s.inFlight - s.releasedQueued);
    return outcome === "dead" && s.inFlight === 0 && s.releasedQueued === 0 ? 1 : 0;
  }

  /** `count` parked deliveries were queued again; none means nothing is parked any more. */
  released(target: string, count: number): void {
    const s = this.state(target);
    s.releasedQueued += count;
    if (count === 0) s.parked = false;
  }

  private state(target: string): TargetState {
    let s = this.targets.get(target);
    if (!s) {
      s = { inFlight: 0, failing: false, parked: false, releasedQueued: 0, freedAt: this.now(), waiters: [] };
      this.targets.set(target, s);
    }
    return s;
  }
}
