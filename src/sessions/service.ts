import { and, count, desc, eq, sql, type SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { AppError } from "../http/errors.ts";
import type { GatewayDatabase } from "../platform/db/database.ts";
import { sessions, type SessionRow } from "./schema.ts";
import { type SessionStatus } from "../contracts/worker-api/vocabulary.ts";

export interface SessionFilter {
  status?: SessionStatus;
  workerId?: string;
  phoneNumber?: string;
  page: number;
  limit: number;
}

export interface SessionSettings {
  webhookUrl?: string;
  metadata?: Record<string, unknown>;
}

/** Integrator metadata is for ids and labels, not documents. */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * The integrator's view of the sessions table. The registry owns the live
 * fields (status, worker, QR, pairing code) from worker events; this service
 * creates rows, keeps the integrator's settings, and reads.
 */
export class SessionService {
  private readonly orm: BunSQLiteDatabase;
  private readonly statusQuery;

  constructor(
    db: Pick<GatewayDatabase, "orm" | "sqlite">,
    private readonly now: () => number = Date.now,
  ) {
    this.orm = db.orm;
    // Every send checks its session, so this one query skips the ORM: a bare
    // prepared statement costs a fraction of drizzle's row mapping.
    this.statusQuery = db.sqlite.query<{ status: SessionStatus }, [string]>("SELECT status FROM sessions WHERE id = ?");
  }

  private statusOf(sessionId: string): SessionStatus | undefined {
    return this.statusQuery.get(sessionId)?.status;
  }

  /** Throws 404 SESSION_NOT_FOUND unless the session exists and was not deleted. */
  requireExisting(sessionId: string): SessionStatus {
    const status = this.statusOf(sessionId);
    if (status === undefined || status === "deleted") throw notFound(sessionId);
    return status;
  }

  get(sessionId: string): SessionRow {
    const row = this.orm.select().from(sessions).where(eq(sessions.id, sessionId)).get();
    if (!row || row.status === "deleted") throw notFound(sessionId);
    return row;
  }

  list(filter: SessionFilter): { rows: SessionRow[]; total: number } {
    const conditions: SQL[] = [];
    conditions.push(filter.status ? eq(sessions.status, filter.status) : sql`${sessions.status} <> 'deleted'`);
    if (filter.workerId) conditions.push(eq(sessions.workerId, filter.workerId));
    if (filter.phoneNumber) conditions.push(eq(sessions.phoneNumber, filter.phoneNumber.replace(/^\+/, "")));
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

  /**
   * Creates the row for a START_SESSION, or updates the settings given. A
   * deleted session starts over as a new one under the same id.
   */
  prepareStart(sessionId: string, settings: SessionSettings): void {
    const now = this.now();
    const given = {
      ...(settings.webhookUrl !== undefined && { webhookUrl: settings.webhookUrl }),
      ...(settings.metadata !== undefined && { metadata: JSON.stringify(settings.metadata) }),
    };
    const existing = this.statusOf(sessionId);
    if (existing === undefined) {
      this.orm.insert(sessions).values({ id: sessionId, status: "created", createdAt: now, updatedAt: now, ...given }).run();
    } else if (existing === "deleted") {
      this.orm
        .update(sessions)
        .set({ status: "created", phoneNumber: null, workerId: null, qrCode: null, qrExpiresAt: null, pairingCode: null, lastError: null, webhookUrl: null, metadata: null, lastActivityAt: null, createdAt: now, updatedAt: now, ...given })
        .where(eq(sessions.id, sessionId))
        .run();
    } else if (Object.keys(given).length > 0) {
      this.orm.update(sessions).set({ ...given, updatedAt: now }).where(eq(sessions.id, sessionId)).run();
    }
  }

  /** DELETE is final from the integrator's side at once: later sends get 404 while the worker logs out. */
  markDeleted(sessionId: string): void {
    this.orm.update(sessions).set({ status: "deleted", qrCode: null, qrExpiresAt: null, pairingCode: null, updatedAt: this.now() }).where(eq(sessions.id, sessionId)).run();
  }

  /** The pending QR string, or 404 QR_NOT_AVAILABLE saying why there is none. */
  qr(sessionId: string): { qr: string; expiresAt: number | null } {
    const row = this.get(sessionId);
    if (row.qrCode && (row.qrExpiresAt === null || row.qrExpiresAt > this.now())) return { qr: row.qrCode, expiresAt: row.qrExpiresAt };
    const why = row.status === "connected" ? "it is already connected" : row.qrCode ? "its QR code expired; a new one follows while it waits for a scan" : `it has no QR code (status ${row.status})`;
    throw new AppError(404, "QR_NOT_AVAILABLE", `Session "${sessionId}" has no QR code to scan: ${why}`);
  }
}

function notFound(sessionId: string): AppError {
  return new AppError(404, "SESSION_NOT_FOUND", `Session "${sessionId}" does not exist`);
}
