import type { Database } from "bun:sqlite";
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { bareColumns } from "../platform/db/bare-columns.ts";
import { GroupCommit } from "../platform/db/group-commit.ts";
import { param } from "../platform/db/placeholders.ts";
import type { EventLedgerStore } from "../registry/events/event-ledger-store.ts";
import type { LedgerRow } from "../registry/events/schema.ts";
import type { AttemptRecord, DeliveryFilter, DeliveryStore, LoadedDelivery, NewDelivery, QueuedDelivery } from "./delivery-store.ts";
import { webhookAttempts, webhookDeliveries, type AttemptRow, type DeliveryRow, type DeliveryStatus } from "./schema.ts";

const queued = (d: Pick<DeliveryRow, "id" | "generation" | "horizonAt">): QueuedDelivery => ({ id: d.id, generation: d.generation, horizonAt: d.horizonAt });

const loaded = bareColumns(webhookDeliveries, ["id", "eventPosition", "target", "status", "attempts", "horizonAt"]);
const p = sql.placeholder;

/**
 * The webhook deliveries and attempts in the coordinator's SQLite file.
 * Outcomes of attempts are written through a group commit, so thousands of
 * deliveries a second cost a few commits; those statements are prepared once.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly writes: GroupCommit;
  private readonly statements;

  constructor(
    private readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
    /** The events the deliveries are made of; their fan-out is marked there, in the same transaction. */
    private readonly ledger: Pick<EventLedgerStore, "at" | "undispatched" | "markDispatched">,
  ) {
    this.writes = new GroupCommit(sqlite);
    const d = webhookDeliveries;
    const thisPending = and(eq(d.id, p("id")), eq(d.status, "pending"));
    this.statements = {
      // Every attempt starts with this read: bare on bun:sqlite, past drizzle's row mapping.
      load: sqlite.query<LoadedDelivery, [string]>(`SELECT ${loaded.columns} FROM ${loaded.table} WHERE "${d.id.name}" = ?`),
      attempt: orm
        .insert(webhookAttempts)
        .values({ deliveryId: p("id"), at: p("at"), url: p("url"), statusCode: p("statusCode"), latencyMs: p("latencyMs"), error: p("error") })
        .prepare(),
      outcome: orm
        .update(d)
        .set({ status: param("status"), attempts: sql`${d.attempts} + 1`, lastStatusCode: param("statusCode"), lastError: param("error"), lastAttemptAt: param("at"), deliveredAt: param("delivered"), updatedAt: param("at") })
        .where(eq(d.id, p("id")))
        .prepare(),
      settle: orm.update(d).set({ status: param("status"), lastError: param("error"), parked: false, updatedAt: param("at") }).where(thisPending).prepare(),
      park: orm.update(d).set({ parked: true, updatedAt: param("at") }).where(thisPending).prepare(),
    };
  }

  undispatched(limit: number): LedgerRow[] {
    return this.ledger.undispatched(limit);
  }

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
        // A delivery that already exists (a crash interrupted an earlier run) is not made twice.
        const rows = this.orm.insert(webhookDeliveries).values(values).onConflictDoNothing().returning({ id: webhookDeliveries.id, generation: webhookDeliveries.generation, horizonAt: webhookDeliveries.horizonAt }).all();
        made.push(...rows.map(queued));
      }
      this.ledger.markDispatched(events.map((e) => e.position), now);
      return made;
    })();
  }

  *pending(pageSize = 5000): Generator<QueuedDelivery[]> {
    const d = webhookDeliveries;
    this.orm.update(d).set({ parked: false, generation: sql`${d.generation} + 1` }).where(eq(d.parked, true)).run();
    const page = this.orm
      .select({ id: d.id, generation: d.generation, horizonAt: d.horizonAt })
      .from(d)
      .where(and(eq(d.status, "pending"), gt(d.id, p("after"))))
      .orderBy(d.id)
      .limit(p("limit"))
      .prepare();
    for (let after = ""; ; ) {
      const rows = page.all({ after, limit: pageSize });
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.id;
    }
  }

  idleQueued(before: number, after: string, limit: number): (QueuedDelivery & { target: string })[] {
    this.writes.flush();
    const d = webhookDeliveries;
    return this.orm
      .select({ id: d.id, generation: d.generation, horizonAt: d.horizonAt, target: d.target })
      .from(d)
      .where(and(eq(d.status, "pending"), eq(d.parked, false), lt(d.updatedAt, before), gt(d.id, after)))
      .orderBy(d.id)
      .limit(limit)
      .all();
  }

  load(id: string): { delivery: LoadedDelivery; event: LedgerRow } | undefined {
    const delivery = this.statements.load.get(id);
    const event = delivery && this.ledger.at(delivery.eventPosition);
    return delivery && event ? { delivery, event } : undefined;
  }

  recordAttempt(id: string, attempt: AttemptRecord, status: DeliveryStatus): Promise<void> {
    return this.writes.run(() => {
      this.statements.attempt.run({ id, ...attempt });
      this.statements.outcome.run({ id, status, statusCode: attempt.statusCode, error: attempt.error, at: attempt.at, delivered: status === "delivered" ? attempt.at : null });
    });
  }

  settle(id: string, status: "dead" | "cancelled", reason: string, now: number): Promise<void> {
    return this.writes.run(() => void this.statements.settle.run({ id, status, error: reason, at: now }));
  }

  park(id: string, now: number): Promise<void> {
    return this.writes.run(() => void this.statements.park.run({ id, at: now }));
  }

  unpark(target: string, limit: number, now: number): QueuedDelivery[] {
    this.writes.flush();
    const d = webhookDeliveries;
    const oldest = this.orm.select({ id: d.id }).from(d).where(and(eq(d.target, target), eq(d.parked, true))).orderBy(d.id).limit(limit);
    return this.orm
      .update(d)
      .set({ parked: false, generation: sql`${d.generation} + 1`, updatedAt: now })
      .where(inArray(d.id, oldest))
      .returning({ id: d.id, generation: d.generation, horizonAt: d.horizonAt })
      .all();
  }

  cancelPending(target: string, reason: string, now: number): number {
    this.writes.flush();
    return this.orm
      .update(webhookDeliveries)
      .set({ status: "cancelled", parked: false, lastError: reason, updatedAt: now })
      .where(and(eq(webhookDeliveries.target, target), eq(webhookDeliveries.status, "pending")))
      .returning({ id: webhookDeliveries.id })
      .all().length;
  }

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

  deleteAttemptsBefore(cutoff: number, limit: number): number {
    const oldest = this.orm.select({ id: webhookAttempts.id }).from(webhookAttempts).where(lt(webhookAttempts.at, cutoff)).orderBy(asc(webhookAttempts.id)).limit(limit);
    return this.orm.delete(webhookAttempts).where(inArray(webhookAttempts.id, oldest)).returning({ id: webhookAttempts.id }).all().length;
  }

  deleteCreatedBefore(floor: string, limit: number): number {
    const oldest = this.orm.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(lt(webhookDeliveries.id, floor)).orderBy(asc(webhookDeliveries.id)).limit(limit);
    return this.orm.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, oldest)).returning({ id: webhookDeliveries.id }).all().length;
  }

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
