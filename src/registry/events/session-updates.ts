import type { Static } from "elysia";
import type { SessionStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { SessionReport } from "../../sessions/session-store.ts";
import type { SessionData } from "../../contracts/worker-api/events.ts";

/** WhatsApp's first QR code lasts about 60 s (later ones 20 s); a worker may say exactly with `qrExpiresAt`. */
const QR_TTL_MS = 60_000;

interface SessionUpdate {
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
 * What a session event says, in the sessions table's terms: status, phone
 * (E.164 digits without "+"), the latest QR (raw string preferred to the
 * image) and its expiry, pairing code and error. The store applies it.
 */
export function sessionReport(u: SessionUpdate): SessionReport {
  const { data, at } = u;
  const qr = data.qrString ?? data.qrCode;
  return {
    sessionId: u.sessionId,
    workerId: u.workerId,
    at,
    ...(u.status !== undefined && { status: u.status }),
    ...(u.epoch !== undefined && { epoch: u.epoch }),
    ...(data.phoneNumber && { phoneNumber: data.phoneNumber.replace(/^\+/, "") }),
    ...(qr && { qr: { code: qr, expiresAt: data.qrExpiresAt ? Date.parse(data.qrExpiresAt) : at + QR_TTL_MS } }),
    ...(data.pairingCode && { pairingCode: data.pairingCode }),
    ...(data.error && { error: data.error }),
  };
}
