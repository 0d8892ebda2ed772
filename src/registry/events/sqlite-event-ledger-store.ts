import type { Database } from "bun:sqlite";
import { asc, inArray, lt } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { bareColumns } from "../../platform/db/bare-columns.ts";
import { eventType } from "./catalog.ts";
import type { EventLedgerStore, NewEvent } from "./event-ledger-store.ts";
import { eventLedger, type EventSource, type LedgerRow } from "./schema.ts";

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
   * read), so this is on every message's path: plain statements prepared once,
   * not a drizzle query built and compiled per call (see bench:worker). The
   * webhook deliverer reads an event per delivery, so those reads are bare too.
   * Their column names come from the schema object.
   */
  constructor(db: { sqlite: Database; orm: BunSQLiteDatabase }) {
    const { sqlite } = db;
    this.orm = db.orm;
    this.known = sqlite.prepare<{ found: number }, [string]>(`SELECT 1 AS found FROM ${table} WHERE "${eventLedger.eventId.name}" = ?`);
    // The (stream, sequence) index makes this one index seek; the caller's transaction serialises it.
    this.lastSequence = sqlite.prepare<{ sequence: number }, [string]>(`SELECT "${eventLedger.sequence.name}" AS sequence FROM ${table} WHERE "${eventLedger.stream.name}" = ? ORDER BY "${eventLedger.sequence.name}" DESC LIMIT 1`);
    const inserted = [eventLedger.eventId, eventLedger.event, eventLedger.type, eventLedger.source, eventLedger.workerId, eventLedger.sessionId, eventLedger.stream, eventLedger.sequence, eventLedger.data, eventLedger.occurredAt, eventLedger.receivedAt];
    this.insert = sqlite.prepare<never, [string, string, string, EventSource, string, string | null, string, number, string, number | null, number]>(
      `INSERT INTO ${table} (${inserted.map((c) => `"${c.name}"`).join(", ")}) VALUES (${inserted.map(() => "?").join(", ")})`,
    );
    this.byPosition = sqlite.query<LedgerRow, [number]>(`SELECT ${columns} FROM ${table} WHERE "${eventLedger.position.name}" = ?`);
    // The partial index on undispatched rows keeps this cheap however long the ledger.
    this.undispatchedRows = sqlite.query<LedgerRow, [number]>(`SELECT ${columns} FROM ${table} WHERE "${eventLedger.dispatchedAt.name}" IS NULL ORDER BY "${eventLedger.position.name}" LIMIT ?`);
  }

  append(e: NewEvent): { eventId: string } | undefined {
    if (e.eventId !== undefined && this.known.get(e.eventId)) return undefined;
    const stream = e.sessionId === undefined ? `worker:${e.workerId}` : `session:${e.sessionId}`;
    const sequence = (this.lastSequence.get(stream)?.sequence ?? 0) + 1;
    const eventId = e.eventId ?? Bun.randomUUIDv7();
    this.insert.run(eventId, e.event, eventType(e.source, e.event), e.source, e.workerId, e.sessionId ?? null, stream, sequence, JSON.stringify(e.data ?? {}), e.occurredAt ?? null, e.receivedAt);
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

  undispatched(limit: number): LedgerRow[] {
    return this.undispatchedRows.all(limit);
  }

  markDispatched(positions: number[], at: number): void {
    // Bounded batches keep each statement under SQLite's limit on bound parameters.
    for (let i = 0; i < positions.length; i += 500) {
      this.orm.update(eventLedger).set({ dispatchedAt: at }).where(inArray(eventLedger.position, positions.slice(i, i + 500))).run();
    }
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
