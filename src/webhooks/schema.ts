import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Where events are posted. `global` is the one row for WEBHOOK_URL (kept in
 * step with the config at start, so a 410 can disable it like any other);
 * `custom` rows are the integrator's, made through the API.
 */
const SUBSCRIPTION_KINDS = ["global", "custom"] as const;

export const webhookSubscriptions = sqliteTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: SUBSCRIPTION_KINDS }).notNull(),
    url: text("url").notNull(),
    secret: text("secret").notNull(),
    /** JSON array of event types; ["*"] is every type. */
    events: text("events").notNull().default('["*"]'),
    /** Only this session's events, if set. */
    sessionId: text("session_id"),
    description: text("description"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Why it was disabled, e.g. the receiver answered 410. */
    disabledReason: text("disabled_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("webhook_subscriptions_kind_check", sql`${t.kind} IN ('global', 'custom')`)],
);
export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;

/** pending: queued or waiting for a retry; dead: gave up at the retry horizon; cancelled: its target went away (disabled, deleted, 410). */
export const DELIVERY_STATUSES = ["pending", "delivered", "dead", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event to one target. `target` is a subscription id, or `session:<id>`
 * for a session's own webhookUrl; (eventId, target) is unique, so queuing an
 * event twice (after a crash) makes no second delivery.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    eventPosition: integer("event_position").notNull(),
    target: text("target").notNull(),
    /** Copied from the event, so deliveries filter by session and type without a join. */
    sessionId: text("session_id"),
    type: text("type").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Bumped each time the delivery is queued afresh (redelivery, release after parking): the BullMQ job id is `<id>-<generation>`. */
    generation: integer("generation").notNull().default(0),
    /** Held back in SQLite (not in the queue) while its receiver fails or is saturated. */
    parked: integer("parked", { mode: "boolean" }).notNull().default(false),
    /** No attempt starts after this; then it is dead-lettered. */
    horizonAt: integer("horizon_at").notNull(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastAttemptAt: integer("last_attempt_at"),
    deliveredAt: integer("delivered_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_target_idx").on(t.eventId, t.target),
    index("webhook_deliveries_status_idx").on(t.status, t.createdAt),
    // (target, id): releasing the oldest parked deliveries of one receiver is an index range, however many are parked.
    index("webhook_deliveries_parked_idx").on(t.target, t.id).where(sql`${t.parked} = 1`),
    index("webhook_deliveries_position_idx").on(t.eventPosition),
    check("webhook_deliveries_status_check", sql`${t.status} IN ('pending', 'delivered', 'dead', 'cancelled')`),
  ],
);
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Every POST made: when, the HTTP status (null if none came back), how long it took, and what went wrong. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    at: integer("at").notNull(),
    url: text("url").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId)],
);
export type AttemptRow = typeof webhookAttempts.$inferSelect;
