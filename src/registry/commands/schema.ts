import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { COMMAND_TYPES } from "../../contracts/worker-api/vocabulary.ts";
import { workers } from "../workers/schema.ts";

/**
 * The durable coordinator→worker queue. A command stays until a heartbeat
 * acknowledges it, so a coordinator restart or a lost heartbeat response
 * redelivers it: delivery is at least once, and workers dedupe by id.
 */
export const workerCommands = sqliteTable(
  "worker_commands",
  {
    id: text("id").primaryKey(),
    workerId: text("worker_id")
      .notNull()
      .references(() => workers.id),
    type: text("type", { enum: COMMAND_TYPES }).notNull(),
    sessionId: text("session_id"),
    createdAt: integer("created_at").notNull(),
    /** Last time a heartbeat response carried it; null until then, and again after the worker re-registers. */
    deliveredAt: integer("delivered_at"),
    deliveryCount: integer("delivery_count").notNull().default(0),
    ackedAt: integer("acked_at"),
  },
  (t) => [
    index("worker_commands_pending_idx").on(t.workerId, t.ackedAt),
    check("worker_commands_type_check", sql`${t.type} IN ('START_SESSION', 'STOP_SESSION', 'DELETE_SESSION', 'DRAIN', 'UNDRAIN')`),
    check("worker_commands_session_check", sql`(${t.type} IN ('DRAIN', 'UNDRAIN')) = (${t.sessionId} IS NULL)`),
  ],
);
export type CommandRow = typeof workerCommands.$inferSelect;
