import type { DeadEntry, DeadReason, OutboxItem, OutboxStore } from "./durable-outbox.ts";

/** One item of an outbox's dead list, opened. */
export interface DeadLetter {
  reason: DeadReason;
  detail?: string;
  /** When it died (unix ms); unknown for one a version before dead-list entries carried it. */
  at?: number;
  /** Undefined when it cannot be opened (reason `unreadable`). */
  item?: OutboxItem;
}

type StoredEntry = Omit<DeadEntry, "at"> & { at?: number };

/** Takes one entry off the dead list and appends its item to its lane, unless another caller took it first. */
const REDELIVER = `if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) return 1 end return 0`;

/** Entries are read this many at a time when redelivering, so a long dead list is not loaded at once. */
const PAGE = 500;

/**
 * The dead list of one outbox, for an operator: what its receiver refused, what failed until the retry
 * horizon, and what cannot be opened. Redelivery puts an item back at the end of its lane (after what was
 * queued since: it arrives out of order, and receivers deduplicate on its id); the running outbox
 * delivers it within its idle poll.
 */
export class DeadLetters {
  constructor(private readonly store: OutboxStore) {}

  count(): Promise<number> {
    return this.store.redis.llen(this.store.deadKey);
  }

  /** Oldest first. */
  async list(offset: number, limit: number): Promise<DeadLetter[]> {
    const entries = await this.store.redis.lrange(this.store.deadKey, offset, offset + limit - 1);
    return entries.map((entry) => this.open(parseEntry(entry)));
  }

  /** Redelivers the readable items `match` selects, up to `limit`; returns how many were queued again. */
  async redeliver(match: (item: OutboxItem) => boolean, limit: number): Promise<number> {
    let queued = 0;
    // Entries that stay (unmatched, unreadable) keep their positions; each redelivered one shifts the rest up.
    for (let offset = 0; queued < limit; ) {
      const entries = await this.store.redis.lrange(this.store.deadKey, offset, offset + PAGE - 1);
      if (entries.length === 0) break;
      let kept = 0;
      for (const entry of entries) {
        const dead = parseEntry(entry);
        const { item } = this.open(dead);
        if (queued < limit && item && match(item) && (await this.store.redis.eval(REDELIVER, 2, this.store.deadKey, this.store.laneKey(dead.lane), entry, dead.raw)) === 1) queued++;
        else kept++;
      }
      offset += kept;
    }
    return queued;
  }

  private open(dead: StoredEntry): DeadLetter {
    const base = { ...(dead.detail && { detail: dead.detail }), ...(dead.at !== undefined && { at: dead.at }) };
    try {
      return { reason: dead.reason, ...base, item: this.store.open(dead.raw) };
    } catch {
      return { reason: "unreadable", ...base };
    }
  }
}

/**
 * A dead-list entry. Before entries said why they died, the list held the lane's raw item alone (then
 * only items that could not be opened, or that a coordinator refused); such an entry reads as refused,
 * and is redelivered to lane 0.
 */
function parseEntry(entry: string): StoredEntry {
  try {
    const parsed = JSON.parse(entry) as Partial<DeadEntry>;
    if (typeof parsed.raw === "string" && typeof parsed.lane === "number" && typeof parsed.reason === "string") return parsed as DeadEntry;
  } catch {
    // Not JSON: a sealed item of the older format.
  }
  return { raw: entry, lane: 0, reason: "rejected" };
}
