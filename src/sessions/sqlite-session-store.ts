import type { Database } from "bun:sqlite";
import { and, count, desc, eq, inArray, isNotNull, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { SessionStatus } from "../contracts/worker-api/vocabulary.ts";
import { AppError } from "../http/errors.ts";
import { sessions, type SessionRow } from "./schema.ts";
import type { OwnedSession, SessionListFilter, SessionPlacement, SessionReport, SessionStore, StoredSessionSettings } from "./session-store.ts";

/** The `sessions` table in the coordinator's SQLite file. */
export class SqliteSessionStore implements SessionStore {
  private readonly orm: BunSQLiteDatabase;
  private readonly sqlite: Database;
  private readonly statusById;

  constructor(db: { sqlite: Database; orm: BunSQLiteDatabase }) {
    this.orm = db.orm;
    this.sqlite = db.sqlite;
    // Every send checks its session, so this one query runs as a bare prepared statement: drizzle's row
    // mapping costs a multiple of the lookup. The SQL is still drizzle's, built from the schema object.
    const byId = db.orm.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, sql.placeholder("id"))).toSQL();
    this.statusById = db.sqlite.query<{ status: SessionStatus }, [string]>(byId.sql);
  }

  statusOf(sessionId: string): SessionStatus | undefined {
    return this.statusById.get(sessionId)?.status;
  }

  get(sessionId: string): SessionRow | undefined {
    return this.orm.select().from(sessions).where(eq(sessions.id, sessionId)).get();
  }

  list(filter: SessionListFilter): { rows: SessionRow[]; total: number } {
    const conditions: SQL[] = [filter.status ? eq(sessions.status, filter.status) : ne(sessions.status, "deleted")];
    if (filter.workerId) conditions.push(eq(sessions.workerId, filter.workerId));
    if (filter.phoneNumber) conditions.push(eq(sessions.phoneNumber, filter.phoneNumber));
    if (filter.ids) conditions.push(inArray(sessions.id, [...filter.ids]));
    const where = and(...conditions);
    const total = this.orm.select({ n: count() }).from(sessions).where(where).get()?.n ?? 0;
    const rows = this.orm
      .select()
      .from(sessions)
      .where(where)
      .orderBy(desc(sessions.createdAt), sessions.id)
      .limit(filter.limit)
      .offset((filter.page - 1) * filter.limit)
      .all();
    return { rows, total };
  }

  placements(): SessionPlacement[] {
    return this.orm
      .select({ id: sessions.id, placedOn: sessions.placedOn, status: sessions.status })
      .from(sessions)
      .where(or(isNotNull(sessions.placedOn), eq(sessions.status, "pending_capacity")))
      .all();
  }

  placedOn(workerId: string): string[] {
    return this.orm
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.placedOn, workerId))
      .orderBy(sessions.id)
      .all()
      .map((s) => s.id);
  }

  connectedOn(workerId: string): string[] {
    return this.orm
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.placedOn, workerId), eq(sessions.status, "connected")))
      .orderBy(sessions.id)
      .all()
      .map((s) => s.id);
  }

  countByWorker(except: readonly SessionStatus[]): Map<string, number> {
    const rows = this.orm
      .select({ workerId: sessions.workerId, n: count() })
      .from(sessions)
      .where(and(isNotNull(sessions.workerId), notInArray(sessions.status, [...except])))
      .groupBy(sessions.workerId)
      .all();
    return new Map(rows.flatMap((r) => (r.workerId === null ? [] : [[r.workerId, r.n] as const])));
  }

  ownedBy(workerId: string, except: readonly SessionStatus[]): OwnedSession[] {
    return this.orm
      .select({ sessionId: sessions.id, status: sessions.status, phoneNumber: sessions.phoneNumber })
      .from(sessions)
      .where(and(eq(sessions.workerId, workerId), notInArray(sessions.status, [...except])))
      .orderBy(sessions.id)
      .all();
  }

  webhookUrlOf(sessionId: string): string | null {
    return this.orm.select({ url: sessions.webhookUrl }).from(sessions).where(eq(sessions.id, sessionId)).get()?.url ?? null;
  }

  withWebhookUrl(sessionIds: string[]): Set<string> {
    if (sessionIds.length === 0) return new Set();
    const rows = this.orm
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(isNotNull(sessions.webhookUrl), inArray(sessions.id, sessionIds)))
      .all();
    return new Set(rows.map((r) => r.id));
  }

  prepareStart(sessionId: string, settings: StoredSessionSettings, at: number): void {
    const existing = this.statusOf(sessionId);
    if (existing === undefined) {
      this.orm.insert(sessions).values({ id: sessionId, status: "created", createdAt: at, updatedAt: at, ...settings }).run();
    } else if (existing === "deleted") {
      // A deleted session starts over as a new one under the same id.
      this.orm
        .update(sessions)
        .set({ status: "created", phoneNumber: null, workerId: null, qrCode: null, qrExpiresAt: null, pairingCode: null, lastError: null, webhookUrl: null, metadata: null, lastActivityAt: null, createdAt: at, updatedAt: at, ...settings })
        .where(eq(sessions.id, sessionId))
        .run();
    } else if (Object.keys(settings).length > 0) {
      this.orm.update(sessions).set({ ...settings, updatedAt: at }).where(eq(sessions.id, sessionId)).run();
    }
  }

  markDeleted(sessionId: string, at: number): void {
    this.orm.update(sessions).set({ status: "deleted", qrCode: null, qrExpiresAt: null, pairingCode: null, updatedAt: at }).where(eq(sessions.id, sessionId)).run();
  }

  applyReport(r: SessionReport): void {
    const { at, status } = r;
    // The reporter runs the session; nobody does once it is deleted.
    const set: Partial<SessionRow> = { updatedAt: at, lastActivityAt: at, workerId: status === "deleted" ? null : r.workerId };
    if (r.epoch !== undefined) {
      const seen = this.orm.select({ epoch: sessions.leaseEpoch }).from(sessions).where(eq(sessions.id, r.sessionId)).get()?.epoch ?? null;
      // Thrown inside the event's transaction: the stale report is not stored either.
      if (seen !== null && r.epoch < seen) throw new AppError(409, "STALE_EPOCH", `Session ${r.sessionId} moved on: epoch ${r.epoch} is older than ${seen}`);
      set.leaseEpoch = r.epoch;
    }
    if (status) set.status = status;
    if (r.phoneNumber) set.phoneNumber = r.phoneNumber;
    if (status !== undefined && status !== "qr_required") {
      // A QR code is only worth showing while the session waits for a scan.
      set.qrCode = null;
      set.qrExpiresAt = null;
    } else if (r.qr) {
      set.qrCode = r.qr.code;
      set.qrExpiresAt = r.qr.expiresAt;
    }
    if (r.pairingCode) set.pairingCode = r.pairingCode;
    else if (status === "connected") set.pairingCode = null;
    if (r.error) set.lastError = r.error;

    this.orm
      .insert(sessions)
      .values({ id: r.sessionId, status: status ?? "created", createdAt: at, ...set, updatedAt: at })
      // A deleted session stays deleted: a late event from its worker (a reconnect racing the delete)
      // must not bring it back. Only the API's START_SESSION revives the id (prepareStart).
      .onConflictDoUpdate({ target: sessions.id, set, setWhere: ne(sessions.status, "deleted") })
      .run();
  }

  place(sessionId: string, placedOn: string | null, at: number, status?: SessionStatus): void {
    this.orm
      .update(sessions)
      .set({ placedOn, updatedAt: at, ...(status && { status }) })
      .where(eq(sessions.id, sessionId))
      .run();
  }

  disconnectPlacedOn(workerId: string, lastError: string, at: number, except: readonly SessionStatus[]): void {
    this.orm
      .update(sessions)
      .set({ status: "disconnected", lastError, updatedAt: at })
      .where(and(eq(sessions.placedOn, workerId), notInArray(sessions.status, [...except])))
      .run();
  }

  setWebhookUrl(sessionId: string, url: string | null, at: number): boolean {
    const updated = this.orm
      .update(sessions)
      .set({ webhookUrl: url, updatedAt: at })
      .where(and(eq(sessions.id, sessionId), ne(sessions.status, "deleted")))
      .returning({ id: sessions.id })
      .get();
    return updated !== undefined;
  }

  clearGoneWebhookUrl(sessionId: string, url: string, at: number): void {
    this.orm
      .update(sessions)
      .set({ webhookUrl: null, updatedAt: at })
      .where(and(eq(sessions.id, sessionId), eq(sessions.webhookUrl, url)))
      .run();
  }

  atomically<T>(work: () => T): T {
    return this.sqlite.transaction(work)();
  }
}
