import { hkdfSync } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../platform/logger.ts";
import { SealedBox } from "../../platform/sealed-box.ts";

/** One thing to send: opaque to the outbox, meaningful to its `deliver`. */
export type OutboxItem = Record<string, unknown>;

/** `delivered` and `rejected` both take the item off the queue; `rejected` keeps it in a dead list. */
export type DeliveryOutcome = "delivered" | "retry" | "rejected";

export interface DurableOutboxOptions {
  /** Names the Redis keys: one list per lane, plus `<name>:dead`. */
  name: string;
  lanes: number;
  deliver(item: OutboxItem): Promise<DeliveryOutcome>;
  log: Logger;
  /** Longest wait between retries of a failing item. */
  maxBackoffMs?: number;
  /** AUTH_STATE_KEY: items are sealed under a key derived from it (see `seal`). */
  sealKey: Uint8Array;
}

/** Marks a sealed item; one without it (plain JSON) was queued by a version that did not seal. */
const SEALED = "s1:";

const BATCH = 64;

/**
 * Reports the worker must not lose, kept in Redis lists until delivered. An
 * item goes to a lane chosen by its stream (the session), so one session's
 * items are delivered one at a time and in order, while lanes run in
 * parallel. If delivery fails the lane retries the same head item with
 * backoff: later items wait behind it (order matters more than latency here),
 * and a worker restart picks up where it left off. Delivery is at least once:
 * a crash between sending and popping repeats an item, which is why items
 * carry ids the receiver deduplicates.
 */
export class DurableOutbox {
  /** Per lane: wakes an idle lane when an item is pushed. */
  private readonly wakers: ((() => void) | undefined)[] = [];
  /** Every pending pause, so stop() ends them all. */
  private readonly pauses = new Set<() => void>();
  private readonly loops: Promise<void>[] = [];
  private running = false;
  private draining = false;

  private readonly box: SealedBox;

  constructor(
    private readonly redis: Redis,
    private readonly opts: DurableOutboxOptions,
  ) {
    this.box = new SealedBox(new Uint8Array(hkdfSync("sha256", opts.sealKey, new Uint8Array(0), "wa-gateway outbox", 32)));
  }

  /**
   * Items sit in Redis (and its AOF and backups) until delivered: message contents, phone numbers, and QR
   * codes, each of which embeds the session's ADV secret. Sealed, they are nobody's to read there.
   */
  private seal(item: OutboxItem): string {
    return SEALED + this.box.seal(JSON.stringify(item), `outbox|${this.opts.name}`).toString("base64");
  }

  private open(raw: string): OutboxItem {
    const json = raw.startsWith(SEALED) ? this.box.open(Buffer.from(raw.slice(SEALED.length), "base64"), `outbox|${this.opts.name}`) : raw;
    return JSON.parse(json) as OutboxItem;
  }

  private laneKey(lane: number): string {
    return `wag:outbox:${this.opts.name}:${lane}`;
  }

  /** Appends an item to its stream's lane. Redis keeps appends from one connection in call order. */
  async push(stream: string, item: OutboxItem): Promise<void> {
    const lane = laneOf(stream, this.opts.lanes);
    await this.redis.rpush(this.laneKey(lane), this.seal(item));
    this.wakers[lane]?.();
  }

  async pending(): Promise<number> {
    const pipeline = this.redis.pipeline();
    for (let lane = 0; lane < this.opts.lanes; lane++) pipeline.llen(this.laneKey(lane));
    const results = (await pipeline.exec()) ?? [];
    return results.reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let lane = 0; lane < this.opts.lanes; lane++) this.loops.push(this.pump(lane));
  }

  /**
   * Tries to deliver what is queued for up to `graceMs`, then stops. What is
   * still queued stays in Redis for the next start.
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.draining = true;
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await this.pending().catch(() => 0)) > 0) await Bun.sleep(20);
    this.running = false;
    for (const wake of this.pauses) wake();
    await Promise.all(this.loops.splice(0));
  }

  private async pump(lane: number): Promise<void> {
    const key = this.laneKey(lane);
    let failures = 0;
    while (this.running) {
      let items: string[];
      try {
        items = await this.redis.lrange(key, 0, BATCH - 1);
      } catch (err) {
        this.opts.log.warn({ err, lane }, "outbox: cannot read Redis; retrying");
        await this.pause(1000);
        continue;
      }
      if (items.length === 0) {
        await this.pause(1000, lane);
        continue;
      }
      for (const raw of items) {
        const outcome = await this.attempt(raw);
        if (outcome === "retry") {
          failures++;
          const ceiling = Math.min(this.opts.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(failures, 10));
          // While draining for shutdown there is no point in waiting long: the item stays queued.
          await this.pause(this.draining ? 50 : ceiling * (0.5 + Math.random() / 2));
          break;
        }
        failures = 0;
        if (outcome === "rejected") await this.redis.rpush(`wag:outbox:${this.opts.name}:dead`, raw);
        await this.redis.lpop(key);
        if (!this.running) return;
      }
    }
  }

  private async attempt(raw: string): Promise<DeliveryOutcome> {
    let item: OutboxItem;
    try {
      item = this.open(raw);
    } catch (err) {
      // Not JSON, or sealed under another AUTH_STATE_KEY: no retry can make it readable.
      this.opts.log.warn({ err, outbox: this.opts.name }, "outbox: an item cannot be read; moved to the dead list");
      return "rejected";
    }
    try {
      return await this.opts.deliver(item);
    } catch (err) {
      this.opts.log.debug({ err }, "outbox: delivery failed; will retry");
      return "retry";
    }
  }

  /**
   * Waits up to `ms`, or until the outbox stops, or (given `idleLane`) until
   * something is pushed to that lane. A lane backing off after a failure is
   * not woken by pushes, or a busy session would hammer a coordinator that is down.
   */
  private pause(ms: number, idleLane?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pauses.delete(done);
        if (idleLane !== undefined && this.wakers[idleLane] === done) this.wakers[idleLane] = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pauses.add(done);
      if (idleLane !== undefined) this.wakers[idleLane] = done;
    });
  }
}

/** A small stable string hash (FNV-1a), so a stream always maps to the same lane. */
function laneOf(stream: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}
