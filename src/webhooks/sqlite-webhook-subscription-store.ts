import { eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { webhookSubscriptions, type SubscriptionRow } from "./schema.ts";
import type { NewSubscriptionRow, WebhookSubscriptionStore } from "./webhook-subscription-store.ts";

/** The `webhook_subscriptions` table in the coordinator's SQLite file. */
export class SqliteWebhookSubscriptionStore implements WebhookSubscriptionStore {
  constructor(private readonly orm: BunSQLiteDatabase) {}

  all(): SubscriptionRow[] {
    return this.orm.select().from(webhookSubscriptions).orderBy(webhookSubscriptions.createdAt).all();
  }

  insert(row: NewSubscriptionRow): void {
    this.orm.insert(webhookSubscriptions).values(row).run();
  }

  update(id: string, set: Partial<Omit<SubscriptionRow, "id">>): void {
    this.orm.update(webhookSubscriptions).set(set).where(eq(webhookSubscriptions.id, id)).run();
  }

  delete(id: string): void {
    this.orm.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).run();
  }
}
