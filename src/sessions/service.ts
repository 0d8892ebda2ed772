import type { SessionStatus } from "../contracts/worker-api/vocabulary.ts";
import { AppError } from "../http/errors.ts";
import type { SessionRow } from "./schema.ts";
import type { SessionListFilter, SessionStore } from "./session-store.ts";

interface SessionSettings {
  webhookUrl?: string;
  metadata?: Record<string, unknown>;
}

/** Integrator metadata is for ids and labels, not documents. */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * The integrator's view of the sessions table. The registry owns the live
 * fields (status, worker, QR, pairing code) from worker events; this service
 * creates rows, keeps the integrator's settings, and reads, all through the
 * session store.
 */
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 404 SESSION_NOT_FOUND unless the session exists and was not deleted. */
  requireExisting(sessionId: string): SessionStatus {
    const status = this.store.statusOf(sessionId);
    if (status === undefined || status === "deleted") throw notFound(sessionId);
    return status;
  }

  get(sessionId: string): SessionRow {
    const row = this.store.get(sessionId);
    if (!row || row.status === "deleted") throw notFound(sessionId);
    return row;
  }

  /** `phoneNumber` may carry a "+", as integrators write it. */
  list(filter: SessionListFilter): { rows: SessionRow[]; total: number } {
    return this.store.list({ ...filter, ...(filter.phoneNumber && { phoneNumber: filter.phoneNumber.replace(/^\+/, "") }) });
  }

  /**
   * Creates the row for a START_SESSION, or updates the settings given. A
   * deleted session starts over as a new one under the same id.
   */
  prepareStart(sessionId: string, settings: SessionSettings): void {
    this.store.prepareStart(
      sessionId,
      {
        ...(settings.webhookUrl !== undefined && { webhookUrl: settings.webhookUrl }),
        ...(settings.metadata !== undefined && { metadata: JSON.stringify(settings.metadata) }),
      },
      this.now(),
    );
  }

  /** DELETE is final from the integrator's side at once: later sends get 404 while the worker logs out. */
  markDeleted(sessionId: string): void {
    this.store.markDeleted(sessionId, this.now());
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
