import type { MessageResult } from "../../contracts/jobs/index.ts";
import type { SessionStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { CloseReason, DriverEvent } from "../../whatsapp/driver.ts";

/** How a socket closed, as reported to integrators (contract B's `lastDisconnect`). */
export interface Disconnect {
  reason: CloseReason;
  statusCode?: number;
  message: string;
}

/** Something that happened to a session, as the worker tells the world. */
export type SessionChange =
  | { kind: "created" }
  | { kind: "qr"; qr: string; qrCode: string; expiresAt: number }
  | { kind: "pairing_code"; code: string }
  | { kind: "connected"; phoneNumber: string; pushName?: string }
  /** Any other status: connecting, reconnecting, disconnected, error, logged_out, auth_unreadable, stopped, deleted. */
  | { kind: "status"; status: SessionStatus; error?: string; disconnect?: Disconnect };

/** The WhatsApp traffic the worker forwards as is (everything but the socket's own lifecycle). */
export type TrafficEvent = Extract<DriverEvent, { type: "messages" | "message_status" | "reaction" | "poll_vote" | "group_participants" }>;

export type WorkerLifecycle = "worker_started" | "worker_stopping" | "worker_error";

/**
 * Where the worker's reports go: over contract A to the coordinator, or, for a
 * standalone worker, as contract B webhooks to WEBHOOK_URL. Calls return at
 * once; implementations queue durably and deliver in order per session.
 */
export interface Reporter {
  /**
   * `epoch` is the session's ownership lease epoch when a running session
   * reports: the coordinator refuses a status from an older epoch than it has
   * seen (a late report from the worker the session moved away from).
   */
  session(sessionId: string, change: SessionChange, epoch?: number): void;
  traffic(sessionId: string, event: TrafficEvent, epoch?: number): void;
  messageSent(sessionId: string, sent: MessageResult, jobId: string): void;
  /** A send job failed for good (no attempts left, or a permanent failure). */
  messageFailed(sessionId: string, failed: { jobId: string; to?: string; error: string }): void;
  worker(event: WorkerLifecycle, data?: Record<string, unknown>): void;
}
