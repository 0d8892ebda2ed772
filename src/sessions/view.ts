import type { Static } from "elysia";
import type { SessionView } from "./model.ts";
import type { SessionRow } from "./schema.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A row as the API shows it: ISO timestamps, parsed metadata, and whether a QR is waiting (not the QR itself). */
export function sessionView(row: SessionRow, now = Date.now()): Static<typeof SessionView> {
  return {
    sessionId: row.id,
    status: row.status,
    phoneNumber: row.phoneNumber,
    workerId: row.workerId,
    lastError: row.lastError,
    webhookUrl: row.webhookUrl,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    hasQr: row.qrCode !== null && (row.qrExpiresAt === null || row.qrExpiresAt > now),
    qrExpiresAt: iso(row.qrExpiresAt),
    pairingCode: row.pairingCode,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    lastActivityAt: iso(row.lastActivityAt),
  };
}
