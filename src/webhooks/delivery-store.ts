import type { Database } from "bun:sqlite";
import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { GroupCommit } from "../platform/db/group-commit.ts";
import type { EventLedgerStore } from "../registry/events/event-ledger-store.ts";
import type { LedgerRow } from "../registry/events/schema.ts";
import { webhookAttempts, webhookDeliveries, type AttemptRow, type DeliveryRow, type DeliveryStatus } from "./schema.ts";

/** What the queue carries for one delivery; everything else is read from SQLite when it runs. */
export interface QueuedDelivery {
  id: string;
  generation: number;
  horizonAt: number;
}

export type LoadedDelivery = Pick<DeliveryRow, "id" | "eventPosition" | "target" | "status" | "attempts" | "horizonAt">;

export interface NewDelivery {
  event: LedgerRow;
  target: string;
}

interface AttemptRecord {
  at: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  target?: string;
  sessionId?: string;
  type?: string;
  eventId?: string;
  /** Created at or after / before, unix ms. */
  since?: number;
  until?: number;
}

const queued = (d: Pick<DeliveryRow, "id" | "generation" | "horizonAt">): QueuedDelivery => ({ id: d.id, generation: d.generation, horizonAt: d.horizonAt });

/**
 * The webhook deliveries in SQLite, the record of truth: the queue only says
 * what to try next. Outcomes of attempts are written through a group commit,
 * so thousands of deliveries a second cost a few commits.
 */
export class DeliveryStore {
  private readonly writes: GroupCommit;
  private readonly statements;

  constructor(
    private readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
    /** The events the deliveries are made of; their fan-out is marked there, in the same transaction. */
    private readonly ledger: Pick<EventLedgerStore, "at" | "undispatched" | "markDispatched">,
  ) {
    this.writes = new GroupCommit(sqlite);
    this.statements = {
      load: sqlite.query<LoadedDelivery, [string]>(
        "SELECT id, event_position AS eventPosition, target, status, attempts, horizon_at AS horizonAt FROM webhook_deliveries WHERE id = ?",
      ),
      attempt: sqlite.query<never, [string, number, string, number | null, number, string | null]>(
        "INSERT INTO webhook_attempts (delivery_id, at, url, status_code, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      outcome: sqlite.query<never, { id: string; status: DeliveryStatus; code: number | null; error: string | null; at: number; delivered: number | null }>(
        `UPDATE webhook_deliveries SET status = $status, attempts = attempts + 1, last_status_code = $code, last_error = $error,
           last_attempt_at = $at, delivered_at = $delivered, updated_at = $at WHERE id = $id`,
      ),
      settle: sqlite.query<never, { id: string; status: DeliveryStatus; error: string; at: number }>(
        "UPDATE webhook_deliveries SET status = $status, last_error = $error, parked = 0, updated_at = $at WHERE id = $id AND status = 'pending'",
      ),
      park: sqlite.query<never, [number, string]>("UPDATE webhook_deliveries SET parked = 1, updated_at = ? WHERE id = ? AND status = 'pending'"),
    };
  }

  /** Events not yet fanned out to deliveries, oldest first. */
  undispatched(limit: number): LedgerRow[] {
    return this.ledger.undispatched(limit);
  }

  /**
   * Records the deliveries for a batch of events and marks the events
   * dispatched, in one transaction; returns the new deliveries, to queue.
   * A delivery that already exists (a crash interrupted an earlier run) is
   * not made twice.
   */
  fanOut(events: LedgerRow[], deliveries: NewDelivery[], now: number, horizonMs: number): QueuedDelivery[] {
    return this.sqlite.transaction(() => {
      const made: QueuedDelivery[] = [];
      for (let i = 0; i < deliveries.length; i += 500) {
        const values = deliveries.slice(i, i + 500).map(({ event, target }) => ({
          id: Bun.randomUUIDv7(),
          eventId: event.eventId,
          eventPosition: event.position,
          target,
          sessionId: event.sessionId,
          type: event.type,
          horizonAt: now + horizonMs,
          createdAt: now,
          updatedAt: now,
        }));
        const rows = this.orm.insert(webhookDeliveries).values(values).onConflictDoNothing().returning({ id: webhookDeliveries.id, generation: webhookDeliveries.generation, horizonAt: webhookDeliveries.horizonAt }).all();
        made.push(...rows.map(queued));
      }
      this.ledger.markDispatched(events.map((e) => e.position), now);
      return made;
    })();
  }

  /** After a restart: every pending delivery, to queue again (the queue drops the ones it still holds). Parked ones get a new generation. */
  *pending(pageSize = 5000): Generator<QueuedDelivery[]> {
    this.sqlite.run("UPDATE webhook_deliveries SET parked = 0, generation = generation + 1 WHERE parked = 1");
    const page = this.sqlite.query<QueuedDelivery, [string, number]>(
      "SELECT id, generation, horizon_at AS horizonAt FROM webhook_deliveries WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?",
    );
    for (let after = ""; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.id;
    }
  }

  /** The delivery and its event, if both still exist. */
  load(id: string): { delivery: LoadedDelivery; event: LedgerRow } | undefined {
    const delivery = this.statements.load.get(id);
    const event = delivery && this.ledger.at(delivery.eventPosition);
    return delivery && event ? { delivery, event } : undefined;
  }

  /** Records one attempt and where it leaves the delivery; resolves once committed. */
  recordAttempt(id: string, attempt: AttemptRecord, status: DeliveryStatus): Promise<void> {
    return this.writes.run(() => {
      this.statements.attempt.run(id, attempt.at, attempt.url, attempt.statusCode, attempt.latencyMs, attempt.error);
      this.statements.outcome.run({ id, status, code: attempt.statusCode, error: attempt.error, at: attempt.at, delivered: status === "delivered" ? attempt.at : null });
    });
  }

  /** Ends a pending delivery without an attempt: dead at the horizon, or cancelled because its target went away. */
  settle(id: string, status: "dead" | "cancelled", reason: string, now: number): Promise<void> {
    return this.writes.run(() => void this.statements.settle.run({ id, status, error: reason, at: now }));
  }

  /** Holds a delivery back in SQLite while its receiver fails or is saturated. */
  park(id: string, now: number): Promise<void> {
    return this.writes.run(() => void this.statements.park.run(now, id));
  }

  /** Takes up to `limit` parked deliveries of `target` back out, each with a new generation, to queue. */
  unpark(target: string, limit: number, now: number): QueuedDelivery[] {
    this.writes.flush();
    return this.sqlite
      .query<QueuedDelivery, [number, string, number]>(
        `UPDATE webhook_deliveries SET parked = 0, generation = generation + 1, updated_at = ?
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE target = ? AND parked = 1 ORDER BY id LIMIT ?)
         RETURNING id, generation, horizon_at AS horizonAt`,
      )
      .all(now, target, limit);
  }

  /** Ends every pending delivery to `target` (disabled, deleted, or gone). */
  cancelPending(target: string, reason: string, now: number): number {
    this.writes.flush();
    return this.orm
      .update(webhookDeliveries)
      .set({ status: "cancelled", parked: false, lastError: reason, updatedAt: now })
      .where(and(eq(webhookDeliveries.target, target), eq(webhookDeliveries.status, "pending")))
      .returning({ id: webhookDeliveries.id })
      .all().length;
  }

  /** Dead-letters the parked deliveries of `target` that are past their horizon. */
  expireParked(target: string, now: number): number {
    this.writes.flush();
    return this.orm
      .update(webhookDeliveries)
      .set({ status: "dead", parked: false, lastError: "retry horizon reached while the receiver was failing", updatedAt: now })
      .where(and(eq(webhookDeliveries.target, target), eq(webhookDeliveries.parked, true), eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.horizonAt, now)))
      .returning({ id: webhookDeliveries.id })
      .all().length;
  }

  list(filter: DeliveryFilter, limit: number, before?: string): DeliveryRow[] {
    this.writes.flush();
    const where = this.where(filter);
    if (before !== undefined) where.push(lt(webhookDeliveries.id, before));
    return this.orm.select().from(webhookDeliveries).where(and(...where)).orderBy(desc(webhookDeliveries.id)).limit(limit).all();
  }

  get(id: string): DeliveryRow | undefined {
    this.writes.flush();
    return this.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
  }

  attempts(id: string): AttemptRow[] {
    return this.orm.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(webhookAttempts.id).all();
  }

  /**
   * Makes finished deliveries pending again with a fresh horizon and a new
   * generation, and returns them to queue. Pending ones are left alone.
   */
  redeliver(filter: DeliveryFilter & { ids?: string[] }, now: number, horizonMs: number, limit: number): QueuedDelivery[] {
    this.writes.flush();
    const where = this.where(filter);
    if (filter.ids) where.push(inArray(webhookDeliveries.id, filter.ids));
    where.push(inArray(webhookDeliveries.status, ["dead", "cancelled", "delivered"]));
    return this.sqlite.transaction(() => {
      const ids = this.orm.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(and(...where)).orderBy(webhookDeliveries.id).limit(limit).all().map((r) => r.id);
      if (ids.length === 0) return [];
      const rows: QueuedDelivery[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        rows.push(
          ...this.orm
            .update(webhookDeliveries)
            .set({ status: "pending", parked: false, generation: sql`${webhookDeliveries.generation} + 1`, horizonAt: now + horizonMs, deliveredAt: null, updatedAt: now })
            .where(inArray(webhookDeliveries.id, ids.slice(i, i + 500)))
            .returning({ id: webhookDeliveries.id, generation: webhookDeliveries.generation, horizonAt: webhookDeliveries.horizonAt })
            .all(),
        );
      }
      return rows;
    })();
  }

  /** Deletes up to `limit` of the oldest attempts made before `cutoff`; returns how many went. */
  deleteAttemptsBefore(cutoff: number, limit: number): number {
    const oldest = this.orm.select({ id: webhookAttempts.id }).from(webhookAttempts).where(lt(webhookAttempts.at, cutoff)).orderBy(asc(webhookAttempts.id)).limit(limit);
    return this.orm.delete(webhookAttempts).where(inArray(webhookAttempts.id, oldest)).returning({ id: webhookAttempts.id }).all().length;
  }

  /** Deletes up to `limit` of the oldest deliveries with an id below `floor` (UUIDv7 ids sort by creation time); returns how many went. */
  deleteCreatedBefore(floor: string, limit: number): number {
    const oldest = this.orm.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(lt(webhookDeliveries.id, floor)).orderBy(asc(webhookDeliveries.id)).limit(limit);
    return this.orm.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, oldest)).returning({ id: webhookDeliveries.id }).all().length;
  }

  /** Commits buffered outcomes now (on stop). */
  flush(): void {
    this.writes.flush();
  }

  private where(filter: DeliveryFilter): SQL[] {
    const where: SQL[] = [];
    if (filter.status) where.push(eq(webhookDeliveries.status, filter.status));
    if (filter.target) where.push(eq(webhookDeliveries.target, filter.target));
    if (filter.sessionId) where.push(eq(webhookDeliveries.sessionId, filter.sessionId));
    if (filter.type) where.push(eq(webhookDeliveries.type, filter.type));
    if (filter.eventId) where.push(eq(webhookDeliveries.eventId, filter.eventId));
    if (filter.since !== undefined) where.push(gte(webhookDeliveries.createdAt, filter.since));
    if (filter.until !== undefined) where.push(lt(webhookDeliveries.createdAt, filter.until));
    return where;
  }
}
