import type { Static } from "elysia";
import { eq, ne } from "drizzle-orm";
import { AppError } from "../../http/errors.ts";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { sessions, type SessionRow } from "../../sessions/schema.ts";
import { type SessionStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { SessionData } from "../../contracts/worker-api/events.ts";

/** WhatsApp's first QR code lasts about 60 s (later ones 20 s); a worker may say exactly with `qrExpiresAt`. */
export const QR_TTL_MS = 60_000;

export interface SessionUpdate {
  sessionId: string;
  workerId: string;
  /** From `data.status`, or implied by the event name. */
  status?: SessionStatus;
  data: Static<typeof SessionData>;
  at: number;
  /** The reporter's lease epoch, when it sent one. */
  epoch?: number;
}

/**
 * Applies a session event to the shared `sessions` table: status, phone, the
 * latest QR (raw string preferred to the image) and its expiry, and the owning worker (the one reporting, since
 * it runs the session; nobody once it is deleted). A session the coordinator
 * has not heard of yet is created.
 */
export function applySessionUpdate(orm: BunSQLiteDatabase, u: SessionUpdate): void {
  const { data, at } = u;
  const set: Partial<SessionRow> = { updatedAt: at, lastActivityAt: at, workerId: u.status === "deleted" ? null : u.workerId };
  if (u.epoch !== undefined) {
    const seen = orm.select({ epoch: sessions.leaseEpoch }).from(sessions).where(eq(sessions.id, u.sessionId)).get()?.epoch ?? null;
    // Thrown inside the event's transaction: the stale report is not stored either.
    if (seen !== null && u.epoch < seen) throw new AppError(409, "STALE_EPOCH", `Session ${u.sessionId} moved on: epoch ${u.epoch} is older than ${seen}`);
    set.leaseEpoch = u.epoch;
  }
  if (u.status) set.status = u.status;
  // Stored as E.164 digits without "+", like the rest of the sessions table.
  if (data.phoneNumber) set.phoneNumber = data.phoneNumber.replace(/^\+/, "");
  const qr = data.qrString ?? data.qrCode;
  if (u.status !== undefined && u.status !== "qr_required") {
    // A QR code is only worth showing while the session waits for a scan.
    set.qrCode = null;
    set.qrExpiresAt = null;
  } else if (qr) {
    set.qrCode = qr;
    set.qrExpiresAt = data.qrExpiresAt ? Date.parse(data.qrExpiresAt) : at + QR_TTL_MS;
  }
  if (data.pairingCode) set.pairingCode = data.pairingCode;
  else if (u.status === "connected") set.pairingCode = null;
  if (data.error) set.lastError = data.error;

  orm
    .insert(sessions)
    .values({ id: u.sessionId, status: u.status ?? "created", createdAt: at, ...set, updatedAt: at })
    // A deleted session stays deleted: a late event from its worker (a reconnect racing the delete)
    // must not bring it back. Only the API's START_SESSION revives the id (SessionService.prepareStart).
    .onConflictDoUpdate({ target: sessions.id, set, setWhere: ne(sessions.status, "deleted") })
    .run();
}
