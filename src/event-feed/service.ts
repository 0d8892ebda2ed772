import { and, asc, eq, gt, inArray, max, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { AppError } from "../http/errors.ts";
import { eventLedger, type LedgerRow } from "../registry/events/schema.ts";

export interface EventFilter {
  sessionId?: string;
  /** Integrator types (`messages.upsert`, ...). */
  types?: string[];
}

/**
 * Reads the ledger in the order events were stored. Positions are internal;
 * callers resume after an eventId (what the stream's `id:` and a page's
 * `next` carry) or, within a session, after a sequence number.
 */
export class EventReads {
  constructor(private readonly orm: BunSQLiteDatabase) {}

  /** The ledger position of `eventId`, or 404 if it is unknown or past retention. */
  positionOf(eventId: string): number {
    const row = this.orm.select({ position: eventLedger.position }).from(eventLedger).where(eq(eventLedger.eventId, eventId)).get();
    if (!row) throw new AppError(404, "EVENT_NOT_FOUND", `Event ${eventId} is not in the ledger (unknown, or older than EVENT_RETENTION)`);
    return row.position;
  }

  /** Up to `limit` events after `afterPosition` (and `afterSequence`, within a session), oldest first. */
  read(filter: EventFilter & { afterPosition?: number; afterSequence?: number; limit: number }): LedgerRow[] {
    const where: SQL[] = [];
    if (filter.sessionId !== undefined) where.push(eq(eventLedger.sessionId, filter.sessionId));
    if (filter.afterSequence !== undefined) where.push(gt(eventLedger.sequence, filter.afterSequence));
    if (filter.afterPosition !== undefined) where.push(gt(eventLedger.position, filter.afterPosition));
    if (filter.types?.length) where.push(inArray(eventLedger.type, filter.types));
    return this.orm.select().from(eventLedger).where(and(...where)).orderBy(asc(eventLedger.position)).limit(filter.limit).all();
  }

  /** The newest position now, where a live stream with nothing to resume starts. */
  head(): number {
    return this.orm.select({ p: max(eventLedger.position) }).from(eventLedger).get()?.p ?? 0;
  }
}

/** `type=a,b` as a list. */
export function parseTypes(raw: string | undefined): string[] | undefined {
  return raw === undefined ? undefined : raw.split(",");
}
