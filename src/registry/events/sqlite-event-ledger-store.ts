import type { Database } from "bun:sqlite";
import { eventType } from "./catalog.ts";
import type { EventSource } from "./schema.ts";

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
  private readonly known;
  private readonly lastSequence;
  private readonly insert;

  /*
   * A worker reports several events per message it sends (sent, delivered,
   * read), so this is on every message's path: plain statements prepared once,
   * not a drizzle query built and compiled per call (see bench:worker).
   */
  constructor(sqlite: Database) {
    this.known = sqlite.prepare<{ found: number }, [string]>("SELECT 1 AS found FROM event_ledger WHERE event_id = ?");
    // The (stream, sequence) index makes this one index seek; the caller's transaction serialises it.
    this.lastSequence = sqlite.prepare<{ sequence: number }, [string]>("SELECT sequence FROM event_ledger WHERE stream = ? ORDER BY sequence DESC LIMIT 1");
    this.insert = sqlite.prepare<never, [string, string, string, EventSource, string, string | null, string, number, string, number | null, number]>(
      "INSERT INTO event_ledger (event_id, event, type, source, worker_id, session_id, stream, sequence, data, occurred_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
  }

  /**
   * Appends the event and returns its id, or returns undefined if one with its
   * eventId is already stored: a worker that retries an event it already
   * delivered must change nothing.
   */
  append(e: NewEvent): { eventId: string } | undefined {
    if (e.eventId !== undefined && this.known.get(e.eventId)) return undefined;
    const stream = e.sessionId === undefined ? `worker:${e.workerId}` : `session:${e.sessionId}`;
    const sequence = (this.lastSequence.get(stream)?.sequence ?? 0) + 1;
    const eventId = e.eventId ?? Bun.randomUUIDv7();
    this.insert.run(eventId, e.event, eventType(e.source, e.event), e.source, e.workerId, e.sessionId ?? null, stream, sequence, JSON.stringify(e.data ?? {}), e.occurredAt ?? null, e.receivedAt);
    this.signal();
    return { eventId };
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
