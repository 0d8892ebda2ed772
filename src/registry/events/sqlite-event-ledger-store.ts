import type { Database } from "bun:sqlite";
import { and, asc, eq, gt, inArray, lt, max, ne, sql, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { bareColumns } from "../../platform/db/bare-columns.ts";
import { eventType, UNPUBLISHED_TYPE } from "./catalog.ts";
import type { EventLedgerStore, LedgerQuery, NewEvent } from "./event-ledger-store.ts";
import { eventLedger, type LedgerRow } from "./schema.ts";

const { table, columns } = bareColumns(eventLedger);

/** The `event_ledger` table in the coordinator's SQLite file. */
export class SqliteEventLedgerStore implements EventLedgerStore {
  private readonly listeners = new Set<() => void>();
  private signalled = false;
  private readonly known;
  private readonly lastSequence;
  private readonly insert;
  private readonly byPosition;
  private readonly undispatchedRows;
  private readonly orm: BunSQLiteDatabase;

  /*
   * A worker reports several events per message it sends (sent, delivered,
   * read), so this is on every message's path: statements prepared once, not
   * a drizzle query built and compiled per call (see bench:worker). The reads
   * here, and the webhook deliverer's read of an event per delivery, run bare
   * on bun:sqlite, past drizzle's row mapping, with names from the schema object.
   */
  constructor(db: { sqlite: Database; orm: BunSQLiteDatabase }) {
    const { sqlite } = db;
    this.orm = db.orm;
    this.known = sqlite.prepare<{ found: number }, [string]>(`SELECT 1 AS found FROM ${table} WHERE "${eventLedger.eventId.name}" = ?`);
    // The (stream, sequence) index makes this one index seek; the caller's transaction serialises it.
    this.lastSequence = sqlite.prepare<{ sequence: number }, [string]>(`SELECT "${eventLedger.sequence.name}" AS sequence FROM ${table} WHERE "${eventLedger.stream.name}" = ? ORDER BY "${eventLedger.sequence.name}" DESC LIMIT 1`);
    const p = sql.placeholder;
    this.insert = db.orm
      .insert(eventLedger)
      .values({
        eventId: p("eventId"),
        event: p("event"),
        type: p("type"),
        source: p("source"),
        workerId: p("workerId"),
        sessionId: p("sessionId"),
        stream: p("stream"),
        sequence: p("sequence"),
        data: p("data"),
        occurredAt: p("occurredAt"),
        receivedAt: p("receivedAt"),
        dispatchedAt: p("dispatchedAt"),
      })
      .prepare();
    this.byPosition = sqlite.query<LedgerRow, [number]>(`SELECT ${columns} FROM ${table} WHERE "${eventLedger.position.name}" = ?`);
    // The partial index on undispatched rows keeps this cheap however long the ledger.
    this.undispatchedRows = sqlite.query<LedgerRow, [number]>(`SELECT ${columns} FROM ${table} WHERE "${eventLedger.dispatchedAt.name}" IS NULL ORDER BY "${eventLedger.position.name}" LIMIT ?`);
  }

  append(e: NewEvent): { eventId: string } | undefined {
    if (e.eventId !== undefined && this.known.get(e.eventId)) return undefined;
    const published = e.published !== false;
    const owner = e.sessionId === undefined ? `worker:${e.workerId}` : `session:${e.sessionId}`;
    // An unpublished event is counted in a stream of its own, so the sequence integrators see has no gap.
    const stream = published ? owner : `unpublished:${owner}`;
    const sequence = (this.lastSequence.get(stream)?.sequence ?? 0) + 1;
    const eventId = e.eventId ?? Bun.randomUUIDv7();
    this.insert.run({
      eventId,
      event: e.event,
      type: published ? eventType(e.source, e.event) : UNPUBLISHED_TYPE,
      source: e.source,
      workerId: e.workerId,
      sessionId: e.sessionId ?? null,
      stream,
      sequence,
      data: JSON.stringify(e.data ?? {}),
      occurredAt: e.occurredAt ?? null,
      receivedAt: e.receivedAt,
      // Marked dispatched at once: it has no deliveries to queue, now or after a restart.
      dispatchedAt: published ? null : e.receivedAt,
    });
    this.signal();
    return { eventId };
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  at(position: number): LedgerRow | undefined {
    return this.byPosition.get(position) ?? undefined;
  }

  positionOf(eventId: string): number | undefined {
    return this.orm.select({ position: eventLedger.position }).from(eventLedger).where(eq(eventLedger.eventId, eventId)).get()?.position;
  }

  read(query: LedgerQuery): LedgerRow[] {
    const where: SQL[] = [ne(eventLedger.type, UNPUBLISHED_TYPE)];
    if (query.sessionId !== undefined) where.push(eq(eventLedger.sessionId, query.sessionId));
    if (query.afterSequence !== undefined) where.push(gt(eventLedger.sequence, query.afterSequence));
    if (query.afterPosition !== undefined) where.push(gt(eventLedger.position, query.afterPosition));
    if (query.types?.length) where.push(inArray(eventLedger.type, query.types));
    return this.orm.select().from(eventLedger).where(and(...where)).orderBy(asc(eventLedger.position)).limit(query.limit).all();
  }

  head(): number {
    return this.orm.select({ p: max(eventLedger.position) }).from(eventLedger).get()?.p ?? 0;
  }

  lastPositions(sessionIds: readonly string[]): Map<string, number> {
    const last = new Map<string, number>();
    // Bounded batches keep each statement under SQLite's limit on bound parameters.
    for (let i = 0; i < sessionIds.length; i += 500) {
      const rows = this.orm
        .select({ sessionId: eventLedger.sessionId, position: max(eventLedger.position) })
        .from(eventLedger)
        .where(inArray(eventLedger.sessionId, sessionIds.slice(i, i + 500)))
        .groupBy(eventLedger.sessionId)
        .all();
      for (const r of rows) if (r.sessionId !== null && r.position !== null) last.set(r.sessionId, r.position);
    }
    return last;
  }

  undispatched(limit: number): LedgerRow[] {
    return this.undispatchedRows.all(limit);
  }

  markDispatched(positions: number[], at: number): void {
    // Bounded batches keep each statement under SQLite's limit on bound parameters.
    for (let i = 0; i < positions.length; i += 500) {
      this.orm.update(eventLedger).set({ dispatchedAt: at }).where(inArray(eventLedger.position, positions.slice(i, i + 500))).run();
    }
  }

  forgetQrCodes(afterPosition: number, cutoff: number, limit: number): { lastPosition: number; forgotten: number } {
    const range = and(gt(eventLedger.position, afterPosition), lt(eventLedger.receivedAt, cutoff));
    const page = this.orm.select({ position: eventLedger.position }).from(eventLedger).where(range).orderBy(asc(eventLedger.position)).limit(limit).all();
    const last = page.at(-1)?.position;
    if (last === undefined) return { lastPosition: afterPosition, forgotten: 0 };
    const holdsQr = sql`(json_type(${eventLedger.data}, '$.qr') IS NOT NULL OR json_type(${eventLedger.data}, '$.qrString') IS NOT NULL OR json_type(${eventLedger.data}, '$.qrCode') IS NOT NULL)`;
    const forgotten = this.orm
      .update(eventLedger)
      .set({ data: sql`json_remove(${eventLedger.data}, '$.qr', '$.qrString', '$.qrCode')` })
      .where(and(gt(eventLedger.position, afterPosition), sql`${eventLedger.position} <= ${last}`, lt(eventLedger.receivedAt, cutoff), holdsQr))
      .returning({ position: eventLedger.position })
      .all().length;
    return { lastPosition: last, forgotten };
  }

  deleteReceivedBefore(cutoff: number, limit: number): number {
    const oldest = this.orm.select({ position: eventLedger.position }).from(eventLedger).where(lt(eventLedger.receivedAt, cutoff)).orderBy(asc(eventLedger.position)).limit(limit);
    return this.orm.delete(eventLedger).where(inArray(eventLedger.position, oldest)).returning({ position: eventLedger.position }).all().length;
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
