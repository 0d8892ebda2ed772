import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { SESSION_STATUSES } from "../contracts/worker-api/vocabulary.ts";


/** The coordinator's registry of sessions, shared by the registry, the API and placement. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    status: text("status", { enum: SESSION_STATUSES }).notNull().default("created"),
    /** E.164 without "+", known once the phone links. */
    phoneNumber: text("phone_number"),
    /** The worker that owns (runs) the session, if placed. */
    workerId: text("worker_id"),
    /** The latest raw QR string, while one is pending. */
    qrCode: text("qr_code"),
    qrExpiresAt: integer("qr_expires_at"),
    pairingCode: text("pairing_code"),
    lastError: text("last_error"),
    /** Per-session webhook URL, in addition to the global one. */
    webhookUrl: text("webhook_url"),
    /** Integrator metadata, JSON. */
    metadata: text("metadata"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastActivityAt: integer("last_activity_at"),
    /**
     * The highest ownership-lease epoch a worker reported this session under.
     * A status reported under a lower one comes from a worker the session has
     * moved away from, and is refused.
     */
    leaseEpoch: integer("lease_epoch"),
    /** Where the coordinator placed the session to run; null while it should run nowhere (or waits for capacity). */
    placedOn: text("placed_on"),
  },
  (t) => [index("sessions_worker_idx").on(t.workerId), index("sessions_status_idx").on(t.status), index("sessions_placed_on_idx").on(t.placedOn)],
);

export type SessionRow = typeof sessions.$inferSelect;
