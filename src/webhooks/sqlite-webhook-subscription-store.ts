import { eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { SealedBox } from "../platform/sealed-box.ts";
import { webhookSubscriptions, type SubscriptionRow } from "./schema.ts";
import type { NewSubscriptionRow, WebhookSubscriptionStore } from "./webhook-subscription-store.ts";

/** Marks a sealed secret; a value without it was written by a version that kept secrets in clear. */
const SEALED = "sealed:";

/**
 * The `webhook_subscriptions` table in the coordinator's SQLite file. Secrets are sealed (AES-256-GCM under
 * DATA_KEY, bound to their row) as they are written and opened as they are read, so the file alone does not
 * let anyone sign webhooks.
 */
export class SqliteWebhookSubscriptionStore implements WebhookSubscriptionStore {
  constructor(
    private readonly orm: BunSQLiteDatabase,
    private readonly box: SealedBox,
  ) {}

  all(): SubscriptionRow[] {
    return this.orm
      .select()
      .from(webhookSubscriptions)
      .orderBy(webhookSubscriptions.createdAt)
      .all()
      .map((row) => ({ ...row, secret: this.open(row.id, row.secret) }));
  }

  insert(row: NewSubscriptionRow): void {
    this.orm
      .insert(webhookSubscriptions)
      .values({ ...row, secret: this.seal(row.id, row.secret) })
      .run();
  }

  update(id: string, set: Partial<Omit<SubscriptionRow, "id">>): void {
    const sealed = set.secret === undefined ? set : { ...set, secret: this.seal(id, set.secret) };
    this.orm.update(webhookSubscriptions).set(sealed).where(eq(webhookSubscriptions.id, id)).run();
  }

  delete(id: string): void {
    this.orm.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).run();
  }

  /** Seals the secrets an older version kept in clear; returns how many. */
  sealPlaintext(): number {
    const clear = this.orm.select({ id: webhookSubscriptions.id, secret: webhookSubscriptions.secret }).from(webhookSubscriptions).all().filter((r) => !r.secret.startsWith(SEALED));
    for (const row of clear) this.orm.update(webhookSubscriptions).set({ secret: this.seal(row.id, row.secret) }).where(eq(webhookSubscriptions.id, row.id)).run();
    return clear.length;
  }

  private seal(id: string, secret: string): string {
    return SEALED + this.box.seal(secret, slot(id)).toString("base64url");
  }

  /** Throws if DATA_KEY changed: a subscription whose secret cannot be read must not be signed with a guess. */
  private open(id: string, stored: string): string {
    if (!stored.startsWith(SEALED)) return stored;
    return this.box.open(Buffer.from(stored.slice(SEALED.length), "base64url"), slot(id));
  }
}

const slot = (id: string) => `webhook_subscriptions|${id}|secret`;
