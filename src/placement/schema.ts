import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const PLACEMENT_REASONS = ["start", "failover", "drain", "rebalance", "move", "capacity", "stop", "ended", "adopted"] as const;
export type PlacementReason = (typeof PLACEMENT_REASONS)[number];

/** Every placement decision, for the operator API's history: where a session went, from where, and why. */
export const placementHistory = sqliteTable(
  "placement_history",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull(),
    /** Null when the session was placed nowhere before. */
    fromWorker: text("from_worker"),
    /** Null when the session was taken off every worker (stopped, ended, or waiting for capacity). */
    toWorker: text("to_worker"),
    reason: text("reason", { enum: PLACEMENT_REASONS }).notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("placement_history_session_idx").on(t.sessionId, t.at)],
);

export type PlacementRow = typeof placementHistory.$inferSelect;
