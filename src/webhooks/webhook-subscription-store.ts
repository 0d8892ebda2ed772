import type { SubscriptionRow, webhookSubscriptions } from "./schema.ts";

/** A row to insert: the columns with defaults may be left out. */
export type NewSubscriptionRow = typeof webhookSubscriptions.$inferInsert;

/**
 * All storage of the `webhook_subscriptions` table; the rules (the global
 * subscription follows WEBHOOK_URL, retiring one cancels its deliveries) stay
 * with SubscriptionStore, which caches the rows. The table's only writer
 * (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface WebhookSubscriptionStore {
  /** Oldest first. */
  all(): SubscriptionRow[];
  insert(row: NewSubscriptionRow): void;
  update(id: string, set: Partial<Omit<SubscriptionRow, "id">>): void;
  delete(id: string): void;
}
