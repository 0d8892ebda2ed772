import type { EventSource, LedgerRow } from "./schema.ts";

/** Which events a feed reads: all, or one session's, or some types; after a position or a session's sequence. */
export interface LedgerQuery {
  sessionId?: string;
  /** Integrator types (`messages.upsert`, ...). */
  types?: string[];
  afterPosition?: number;
  afterSequence?: number;
  limit: number;
}

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
  /**
   * False for an event integrators never receive (it repeats one they get): stored and applied, but
   * given no integrator type, no place in its session's sequence and no webhook deliveries.
   */
  published?: boolean;
}

/**
 * All writes to the `event_ledger` table, and its rules: an event is stored
 * once (by eventId), published session events are sequenced per session and
 * the rest per worker, and the ledger says which events are fanned out to
 * webhooks. Reads return published events only.
 * Call it inside the transaction that applies an event, so the ledger and
 * what the event changed commit (or fail) together. The table's only writer
 * (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface EventLedgerStore {
  /**
   * Appends the event and returns its id, or returns undefined if one with its
   * eventId is already stored: a worker that retries an event it already
   * delivered must change nothing.
   */
  append(e: NewEvent): { eventId: string } | undefined;
  /** Calls `listener` soon after events are appended (once per burst); returns a function that stops it. */
  onAppend(listener: () => void): () => void;
  at(position: number): LedgerRow | undefined;
  positionOf(eventId: string): number | undefined;
  /** Oldest first. */
  read(query: LedgerQuery): LedgerRow[];
  /** The newest position, 0 while the ledger is empty. */
  head(): number;
  /** The position of each session's latest event, for those that have one. */
  lastPositions(sessionIds: readonly string[]): Map<string, number>;
  /** Events not yet fanned out to webhook deliveries, oldest first. */
  undispatched(limit: number): LedgerRow[];
  markDispatched(positions: number[], at: number): void;
  /**
   * Removes the QR codes (`qr`, `qrString`, `qrCode`: each embeds the session's ADV secret) from up to
   * `limit` events after `afterPosition` received before `cutoff`. Returns the last position looked at,
   * where the next call goes on, and how many events lost a code.
   */
  forgetQrCodes(afterPosition: number, cutoff: number, limit: number): { lastPosition: number; forgotten: number };
  /** Deletes up to `limit` of the oldest events received before `cutoff`; returns how many went. */
  deleteReceivedBefore(cutoff: number, limit: number): number;
}
