import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MESSAGE_STATUSES } from "../../contracts/worker-api/vocabulary.ts";

/** Which endpoint an event came in on, or `coordinator` for the ones the registry itself records. */
const EVENT_SOURCES = ["events", "session-status", "message-status", "coordinator"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * Every event, stored before it is applied, in arrival order (`position`).
 * `stream` is `session:<id>` or `worker:<id>`, and `sequence` counts from 1
 * within it, so a consumer (webhook delivery) can deliver each session's
 * events in order and spot gaps. Unknown event names are stored too.
 */
export const eventLedger = sqliteTable(
  "event_ledger",
  {
    position: integer("position").primaryKey({ autoIncrement: true }),
    eventId: text("event_id").notNull().unique(),
    event: text("event").notNull(),
    source: text("source", { enum: EVENT_SOURCES }).notNull(),
    workerId: text("worker_id").notNull(),
    sessionId: text("session_id"),
    stream: text("stream").notNull(),
    sequence: integer("sequence").notNull(),
    /** The event's `data`, as JSON. */
    data: text("data").notNull().default("{}"),
    /** The worker's `timestamp`, if it sent one. */
    occurredAt: integer("occurred_at"),
    receivedAt: integer("received_at").notNull(),
    /** The integrator-facing event type (`messages.upsert`, `session.status`, ...; see src/events/catalog.ts). */
    type: text("type").notNull().default(""),
    /** When its webhook deliveries were queued; null until then, so a restart finds what is left to queue. */
    dispatchedAt: integer("dispatched_at"),
  },
  (t) => [
    uniqueIndex("event_ledger_stream_seq_idx").on(t.stream, t.sequence),
    index("event_ledger_session_idx").on(t.sessionId),
    index("event_ledger_received_idx").on(t.receivedAt),
    index("event_ledger_undispatched_idx").on(t.position).where(sql`${t.dispatchedAt} IS NULL`),
    check("event_ledger_source_check", sql`${t.source} IN ('events', 'session-status', 'message-status', 'coordinator')`),
  ],
);
export type LedgerRow = typeof eventLedger.$inferSelect;

/** Message delivery states in the order they happen; `failed` stands apart. */

/** The latest known status of each outgoing message, keyed by the worker's `messageId`. */
export const messageStatuses = sqliteTable(
  "message_statuses",
  {
    messageId: text("message_id").primaryKey(),
    sessionId: text("session_id").notNull(),
    workerId: text("worker_id").notNull(),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    recipient: text("recipient"),
    error: text("error"),
    /** When the status happened by the worker's account (e.g. `deliveredAt`), else when it arrived. */
    statusAt: integer("status_at").notNull(),
    /** The ledger event that set the current status. */
    eventId: text("event_id").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("message_statuses_session_idx").on(t.sessionId)],
);
