import { hkdfSync } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../platform/logger.ts";
import { SealedBox } from "../../platform/sealed-box.ts";
import { retryDelay } from "../../webhooks/retry-delay.ts";

/** One thing to send: opaque to the outbox, meaningful to its `deliver`. */
export type OutboxItem = Record<string, unknown>;

/**
 * `delivered` and `rejected` both take the item off the queue; `rejected` keeps it in a dead list.
 * The object form says why (e.g. "HTTP 413"), which the dead list keeps with the item.
 */
export type DeliveryOutcome = "delivered" | "retry" | "rejected" | { outcome: "retry" | "rejected"; detail: string };

/** Why an item is in the dead list: its receiver refused it, it failed until the retry horizon, or it cannot be opened. */
export type DeadReason = "rejected" | "expired" | "unreadable";

/** How a failing head item is retried. */
export interface OutboxRetry {
  /** The first retry waits about this long, each further one twice as long (retryDelay, as the coordinator's webhooks). */
  baseMs: number;
  maxDelayMs: number;
  /** Once an item has failed for this long it goes to the dead list as expired; unset: retried until delivered. */
  horizonMs?: number;
}

export interface DurableOutboxOptions {
  /** Names the Redis keys: one list per lane, plus `<name>:dead`. */
  name: string;
  lanes: number;
  deliver(item: OutboxItem): Promise<DeliveryOutcome>;
  log: Logger;
  /** Default: from 250 ms up to 30 s, never giving up (reports to a coordinator that is down must wait for it). */
  retry?: OutboxRetry;
  /** AUTH_STATE_KEY: items are sealed under a key derived from it (see `OutboxStore.seal`). */
  sealKey: Uint8Array;
  /** AUTH_STATE_KEY_PREVIOUS during a rotation: items queued under it still open. */
  previousSealKey?: Uint8Array;
}

/** The outbox's own key, derived from the auth-state key so the two never share one. */
const outboxBox = (key: Uint8Array) => new SealedBox(new Uint8Array(hkdfSync("sha256", key, new Uint8Array(0), "wa-gateway outbox", 32)));

/** Marks a sealed item; one without it (plain JSON) was queued by a version that did not seal. */
const SEALED = "s1:";

const BATCH = 64;

const DEFAULT_RETRY: OutboxRetry = { baseMs: 250, maxDelayMs: 30_000 };

/** One dead-list entry: the item as it waited in its lane (still sealed), and why it died. */
export interface DeadEntry {
  raw: string;
  lane: number;
  reason: DeadReason;
  detail?: string;
  /** Unix ms. */
  at: number;
}

/**
 * Where one outbox keeps its items in Redis and how it seals them; the outbox and the reader of its
 * dead list (dead-letters.ts) share it.
 */
export class OutboxStore {
  private readonly box: SealedBox;
  private readonly previous: SealedBox | undefined;
  readonly deadKey: string;
  /** Per lane: since when its head item has been failing (unix ms), so the retry horizon survives a restart. */
  readonly failingKey: string;

  constructor(
    readonly redis: Redis,
    private readonly name: string,
    sealKey: Uint8Array,
    previousSealKey?: Uint8Array,
  ) {
    this.box = outboxBox(sealKey);
    this.previous = previousSealKey && outboxBox(previousSealKey);
    this.deadKey = `wag:outbox:${name}:dead`;
    // Not under `wag:outbox:<name>:`, where every key but the dead list is a lane.
    this.failingKey = `wag:outbox-failing:${name}`;
  }

  laneKey(lane: number): string {
    return `wag:outbox:${this.name}:${lane}`;
  }

  /**
   * Items sit in Redis (and its AOF and backups) until delivered: message contents, phone numbers, and QR
   * codes, each of which embeds the session's ADV secret. Sealed, they are nobody's to read there.
   */
  seal(item: OutboxItem): string {
    return SEALED + this.box.seal(JSON.stringify(item), `outbox|${this.name}`).toString("base64");
  }

  open(raw: string): OutboxItem {
    if (!raw.startsWith(SEALED)) return JSON.parse(raw) as OutboxItem;
    const sealed = Buffer.from(raw.slice(SEALED.length), "base64");
    const slot = `outbox|${this.name}`;
    let json: string;
    try {
      json = this.box.open(sealed, slot);
    } catch (err) {
      // Queued before AUTH_STATE_KEY was rotated: only the previous key opens it.
      if (!this.previous) throw err;
      json = this.previous.open(sealed, slot);
    }
    return JSON.parse(json) as OutboxItem;
  }
}

/**
 * Reports the worker must not lose, kept in Redis lists until delivered. An
 * item goes to a lane chosen by its stream (the session), so one session's
 * items are delivered one at a time and in order, while lanes run in
 * parallel. If delivery fails the lane retries the same head item with
 * backoff: later items wait behind it (order matters more than latency here),
 * and a worker restart picks up where it left off. So that one item cannot
 * hold its lane forever, an item its receiver refuses goes to the dead list at
 * once, and (given a retry horizon) so does one that failed for that long.
 * Delivery is at least once: a crash between sending and popping repeats an
 * item, which is why items carry ids the receiver deduplicates.
 */
export class DurableOutbox {
  /** Per lane: wakes an idle lane when an item is pushed. */
  private readonly wakers: ((() => void) | undefined)[] = [];
  /** Every pending pause, so stop() ends them all. */
  private readonly pauses = new Set<() => void>();
  private readonly loops: Promise<void>[] = [];
  private running = false;
  private draining = false;

  private readonly store: OutboxStore;
  private readonly retry: OutboxRetry;

  constructor(
    private readonly redis: Redis,
    private readonly opts: DurableOutboxOptions,
  ) {
    this.store = new OutboxStore(redis, opts.name, opts.sealKey, opts.previousSealKey);
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  /** Appends an item to its stream's lane. Redis keeps appends from one connection in call order. */
  async push(stream: string, item: OutboxItem): Promise<void> {
    const lane = laneOf(stream, this.opts.lanes);
    await this.redis.rpush(this.store.laneKey(lane), this.store.seal(item));
    this.wakers[lane]?.();
  }

  async pending(): Promise<number> {
    const pipeline = this.redis.pipeline();
    for (let lane = 0; lane < this.opts.lanes; lane++) pipeline.llen(this.store.laneKey(lane));
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
    const key = this.store.laneKey(lane);
    let failures = 0;
    while (this.running) {
      try {
        const items = await this.redis.lrange(key, 0, BATCH - 1);
        if (items.length === 0) {
          await this.pause(1000, lane);
          continue;
        }
        for (const raw of items) {
          const { outcome, detail } = await this.attempt(raw);
          let dead: Pick<DeadEntry, "reason" | "detail"> | undefined;
          if (outcome === "rejected" || outcome === "unreadable") dead = { reason: outcome, ...(detail && { detail }) };
          else if (outcome === "retry") {
            failures++;
            const delay = retryDelay(failures, this.retry.baseMs, this.retry.maxDelayMs);
            const horizon = this.retry.horizonMs;
            if (horizon === undefined || Date.now() + delay <= (await this.failingSince(lane)) + horizon) {
              // While draining for shutdown there is no point in waiting long: the item stays queued.
              await this.pause(this.draining ? 50 : delay);
              break;
            }
            dead = { reason: "expired", detail: `failed for ${Math.round(horizon / 1000)} s${detail ? `; last: ${detail}` : ""}` };
            this.opts.log.warn({ outbox: this.opts.name, detail: dead.detail }, "outbox: an item failed until the retry horizon; moved to the dead list");
          }
          failures = 0;
          const done = this.redis.multi();
          if (dead) done.rpush(this.store.deadKey, JSON.stringify({ raw, lane, ...dead, at: Date.now() } satisfies DeadEntry));
          done.lpop(key);
          if (this.retry.horizonMs !== undefined) done.hdel(this.store.failingKey, String(lane));
          await done.exec();
          if (!this.running) return;
        }
      } catch (err) {
        // Redis is away: the lane's items wait there, so it only has to try again.
        this.opts.log.warn({ err, lane }, "outbox: Redis failed; retrying");
        await this.pause(1000);
      }
    }
  }

  /** When the lane's head item first failed (now, if it just did), kept in Redis so a restart does not start the horizon again. */
  private async failingSince(lane: number): Promise<number> {
    const [, since] = (await this.redis.multi().hsetnx(this.store.failingKey, String(lane), String(Date.now())).hget(this.store.failingKey, String(lane)).exec()) ?? [];
    return Number(since?.[1] ?? Date.now());
  }

  /** One try at the item; `unreadable` and `rejected` send it to the dead list. */
  private async attempt(raw: string): Promise<{ outcome: "delivered" | "retry" | "rejected" | "unreadable"; detail?: string }> {
    let item: OutboxItem;
    try {
      item = this.store.open(raw);
    } catch (err) {
      // Not JSON, or sealed under another AUTH_STATE_KEY: no retry can make it readable.
      this.opts.log.warn({ err, outbox: this.opts.name }, "outbox: an item cannot be read; moved to the dead list");
      return { outcome: "unreadable", detail: "not JSON, or sealed under another AUTH_STATE_KEY" };
    }
    try {
      const result = await this.opts.deliver(item);
      return typeof result === "string" ? { outcome: result } : result;
    } catch (err) {
      this.opts.log.debug({ err }, "outbox: delivery failed; will retry");
      return { outcome: "retry", detail: err instanceof Error ? err.message : String(err) };
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
