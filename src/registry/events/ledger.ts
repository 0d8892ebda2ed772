import type { Database } from "bun:sqlite";
import type { EventSource, LedgerRow } from "./schema.ts";

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
 *
 * A worker reports several events per message it sends (sent, delivered,
 * read), so this is on every message's path: two statements prepared once,
 * not a query built and compiled per call (see bench:worker).
 */
export class EventLedger {
  private readonly lastSequence;
  private readonly insert;

  constructor(sqlite: Database) {
    // The (stream, sequence) index makes this one index seek; the caller's transaction serialises it.
    this.lastSequence = sqlite.prepare<{ sequence: number }, [string]>("SELECT sequence FROM event_ledger WHERE stream = ? ORDER BY sequence DESC LIMIT 1");
    this.insert = sqlite.prepare<never, [string, string, EventSource, string, string | null, string, number, string, number | null, number]>(
      "INSERT INTO event_ledger (event_id, event, source, worker_id, session_id, stream, sequence, data, occurred_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
  }

  append(e: NewEvent): LedgerRow {
    const stream = e.sessionId === undefined ? `worker:${e.workerId}` : `session:${e.sessionId}`;
    const row: Omit<LedgerRow, "position"> = {
      eventId: Bun.randomUUIDv7(),
      event: e.event,
      source: e.source,
      workerId: e.workerId,
      sessionId: e.sessionId ?? null,
      stream,
      sequence: (this.lastSequence.get(stream)?.sequence ?? 0) + 1,
      data: JSON.stringify(e.data ?? {}),
      occurredAt: e.occurredAt ?? null,
      receivedAt: e.receivedAt,
    };
    const { lastInsertRowid } = this.insert.run(row.eventId, row.event, row.source, row.workerId, row.sessionId, row.stream, row.sequence, row.data, row.occurredAt, row.receivedAt);
    return { position: Number(lastInsertRowid), ...row };
  }
}
