import { desc, eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { eventType } from "./catalog.ts";
import { eventLedger, type EventSource, type LedgerRow } from "./schema.ts";

export interface NewEvent {
  /** The worker's own id for the event (it retries from an outbox); a new one is made if absent. */
  eventId?: string;
  event: string;
  source: EventSource;
  workerId: string;
  sessionId?: string;
  data?: unknown;
  /** The worker's own timestamp, if it sent one. */
  occurredAt?: number;
  receivedAt: number;
}

/**
 * Appends events to the ledger. Session events are sequenced per session,
 * the rest per worker. Call it inside the transaction that applies the event,
 * so the ledger and what it changed commit (or fail) together.
 */
export class EventLedger {
  private readonly listeners = new Set<() => void>();
  private signalled = false;

  constructor(private readonly orm: BunSQLiteDatabase) {}

  /**
   * Appends the event, or returns undefined if one with its eventId is already
   * stored: a worker that retries an event it already delivered must change nothing.
   */
  append(e: NewEvent): LedgerRow | undefined {
    if (e.eventId !== undefined && this.orm.select({ p: eventLedger.position }).from(eventLedger).where(eq(eventLedger.eventId, e.eventId)).get()) return undefined;
    const stream = e.sessionId === undefined ? `worker:${e.workerId}` : `session:${e.sessionId}`;
    // The (stream, sequence) index makes this one index seek; the caller's transaction serialises it.
    const last = this.orm
      .select({ sequence: eventLedger.sequence })
      .from(eventLedger)
      .where(eq(eventLedger.stream, stream))
      .orderBy(desc(eventLedger.sequence))
      .limit(1)
      .get();
    const row = this.orm
      .insert(eventLedger)
      .values({
        eventId: e.eventId ?? Bun.randomUUIDv7(),
        event: e.event,
        type: eventType(e.source, e.event),
        source: e.source,
        workerId: e.workerId,
        sessionId: e.sessionId ?? null,
        stream,
        sequence: (last?.sequence ?? 0) + 1,
        data: JSON.stringify(e.data ?? {}),
        occurredAt: e.occurredAt ?? null,
        receivedAt: e.receivedAt,
      })
      .returning()
      .get();
    this.signal();
    return row;
  }

  /** Calls `listener` soon after events are appended (once per burst); returns a function that stops it. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deferred past the caller's transaction, so listeners read committed rows (or none, if it rolled back). */
  private signal(): void {
    if (this.signalled || this.listeners.size === 0) return;
    this.signalled = true;
    setImmediate(() => {
      this.signalled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
