import { desc, eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { eventLedger, type EventSource, type LedgerRow } from "./schema.ts";

export interface NewEvent {
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
  constructor(private readonly orm: BunSQLiteDatabase) {}

  append(e: NewEvent): LedgerRow {
    const stream = e.sessionId === undefined ? `worker:${e.workerId}` : `session:${e.sessionId}`;
    // The (stream, sequence) index makes this one index seek; the caller's transaction serialises it.
    const last = this.orm
      .select({ sequence: eventLedger.sequence })
      .from(eventLedger)
      .where(eq(eventLedger.stream, stream))
      .orderBy(desc(eventLedger.sequence))
      .limit(1)
      .get();
    return this.orm
      .insert(eventLedger)
      .values({
        eventId: Bun.randomUUIDv7(),
        event: e.event,
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
  }
}
