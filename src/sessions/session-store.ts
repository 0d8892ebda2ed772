import type { SessionStatus } from "../contracts/worker-api/vocabulary.ts";
import type { SessionRow } from "./schema.ts";

export interface SessionListFilter {
  status?: SessionStatus;
  workerId?: string;
  /** E.164 digits without "+". */
  phoneNumber?: string;
  /** Only these ids (a key limited to some sessions). */
  ids?: readonly string[];
  page: number;
  limit: number;
}

/** The integrator's settings of a session, as stored (metadata already JSON). */
export interface StoredSessionSettings {
  webhookUrl?: string;
  metadata?: string;
}

/** What a worker reported about a session, already in the table's terms. */
export interface SessionReport {
  sessionId: string;
  /** The reporter, which runs the session. */
  workerId: string;
  status?: SessionStatus;
  at: number;
  /** The reporter's lease epoch, when it sent one. */
  epoch?: number;
  phoneNumber?: string;
  qr?: { code: string; expiresAt: number };
  pairingCode?: string;
  error?: string;
}

export interface SessionPlacement {
  id: string;
  placedOn: string | null;
  status: SessionStatus;
}

export interface OwnedSession {
  sessionId: string;
  status: SessionStatus;
  phoneNumber: string | null;
}

/**
 * All storage of the `sessions` table, and its rules: a deleted session stays
 * deleted until a START revives it, a report under an older lease epoch is
 * refused, a QR code is kept only while the session waits for a scan. It is
 * the table's only writer (tests/platform/single-writer checks), so that a
 * second backend (PostgreSQL, issue 21) only has to implement this.
 */
export interface SessionStore {
  statusOf(sessionId: string): SessionStatus | undefined;
  get(sessionId: string): SessionRow | undefined;
  /** Newest first; every status but `deleted` unless a status is asked for. */
  list(filter: SessionListFilter): { rows: SessionRow[]; total: number };
  /** Sessions placed on a worker or waiting for capacity. */
  placements(): SessionPlacement[];
  /** The ids placed on a worker, in id order. */
  placedOn(workerId: string): string[];
  /** The ids placed on a worker and connected there, in id order. */
  connectedOn(workerId: string): string[];
  /** How many sessions each worker runs, not counting those in `except`. */
  countByWorker(except: readonly SessionStatus[]): Map<string, number>;
  /** The sessions a worker runs, not counting those in `except`, in id order. */
  ownedBy(workerId: string, except: readonly SessionStatus[]): OwnedSession[];
  webhookUrlOf(sessionId: string): string | null;
  /** Which of these sessions have a webhook URL. */
  withWebhookUrl(sessionIds: string[]): Set<string>;

  /** START_SESSION: creates the row, revives a deleted one as new, or updates the settings given. */
  prepareStart(sessionId: string, settings: StoredSessionSettings, at: number): void;
  /** DELETE: the session is gone for the integrator at once; its QR and pairing code go with it. */
  markDeleted(sessionId: string, at: number): void;
  /** Applies a worker's report, creating a session not heard of yet. Throws 409 STALE_EPOCH for an older epoch. */
  applyReport(report: SessionReport): void;
  /** Records where the coordinator placed the session (null: nowhere), with the status that decision implies. */
  place(sessionId: string, placedOn: string | null, at: number, status?: SessionStatus): void;
  /** Shows every session placed on a departed worker as disconnected, except those in `except`. */
  disconnectPlacedOn(workerId: string, lastError: string, at: number, except: readonly SessionStatus[]): void;
  /** Sets or clears a session's URL; false if there is no such (live) session. */
  setWebhookUrl(sessionId: string, url: string | null, at: number): boolean;
  /** The receiver answered 410 Gone: forget the URL, unless it was changed meanwhile. */
  clearGoneWebhookUrl(sessionId: string, url: string, at: number): void;
  /** Runs `work` (writes to this and other coordinator stores) in one transaction. */
  atomically<T>(work: () => T): T;
}
