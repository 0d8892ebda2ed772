import { AppError } from "../http/errors.ts";
import type { EventLedgerStore, LedgerQuery } from "../registry/events/event-ledger-store.ts";
import type { LedgerRow } from "../registry/events/schema.ts";

export type EventFilter = Pick<LedgerQuery, "sessionId" | "types">;

/**
 * Reads the ledger in the order events were stored. Positions are internal;
 * callers resume after an eventId (what the stream's `id:` and a page's
 * `next` carry) or, within a session, after a sequence number.
 */
export class EventReads {
  constructor(private readonly ledger: Pick<EventLedgerStore, "positionOf" | "read" | "head">) {}

  /** The ledger position of `eventId`, or 404 if it is unknown or past retention. */
  positionOf(eventId: string): number {
    const position = this.ledger.positionOf(eventId);
    if (position === undefined) throw new AppError(404, "EVENT_NOT_FOUND", `Event ${eventId} is not in the ledger (unknown, or older than EVENT_RETENTION)`);
    return position;
  }

  /** Up to `limit` events after `afterPosition` (and `afterSequence`, within a session), oldest first. */
  read(filter: LedgerQuery): LedgerRow[] {
    return this.ledger.read(filter);
  }

  /** The newest position now, where a live stream with nothing to resume starts. */
  head(): number {
    return this.ledger.head();
  }
}

/** `type=a,b` as a list. */
export function parseTypes(raw: string | undefined): string[] | undefined {
  return raw === undefined ? undefined : raw.split(",");
}
