import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { AppError } from "../http/errors.ts";
import { webhookSubscriptions, type SubscriptionRow } from "./schema.ts";

const GLOBAL_ID = "global";

interface SubscriptionInput {
  url?: string;
  events?: string[];
  sessionId?: string | null;
  secret?: string;
  description?: string | null;
  enabled?: boolean;
}

/** A subscription as the code uses it: its event filter parsed. */
export interface Subscription extends Omit<SubscriptionRow, "events"> {
  events: string[];
}

/**
 * Webhook subscriptions: the integrator's (CRUD through the API) and the one
 * for WEBHOOK_URL. They are few and read for every event, so all are kept in
 * memory and reloaded after each change.
 */
export class SubscriptionStore {
  private all: Subscription[] = [];

  constructor(
    private readonly orm: BunSQLiteDatabase,
    private readonly now: () => number = Date.now,
    /** Called with a subscription id when it stops taking deliveries (disabled or deleted). */
    private readonly onRetired: (id: string) => void = () => {},
  ) {
    this.reload();
  }

  list(): Subscription[] {
    return this.all;
  }

  get(id: string): Subscription {
    const s = this.find(id);
    if (!s) throw new AppError(404, "SUBSCRIPTION_NOT_FOUND", `Webhook subscription ${id} does not exist`);
    return s;
  }

  find(id: string): Subscription | undefined {
    return this.all.find((s) => s.id === id);
  }

  /** The enabled subscriptions that want an event of `type` from `sessionId`. */
  matching(type: string, sessionId: string | null): Subscription[] {
    return this.all.filter((s) => s.enabled && (s.sessionId === null || s.sessionId === sessionId) && (s.events.includes("*") || s.events.includes(type)));
  }

  create(input: SubscriptionInput & { url: string }): Subscription {
    const at = this.now();
    const id = Bun.randomUUIDv7();
    this.orm
      .insert(webhookSubscriptions)
      .values({
        id,
        kind: "custom",
        url: input.url,
        secret: input.secret ?? newSecret(),
        events: JSON.stringify(input.events ?? ["*"]),
        sessionId: input.sessionId ?? null,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        createdAt: at,
        updatedAt: at,
      })
      .run();
    this.reload();
    return this.get(id);
  }

  update(id: string, input: SubscriptionInput): Subscription {
    const current = this.get(id);
    if (current.kind === "global" && (input.url !== undefined || input.secret !== undefined || input.sessionId !== undefined)) {
      throw new AppError(409, "SUBSCRIPTION_FROM_CONFIG", "The global subscription's url and secret come from WEBHOOK_URL and WEBHOOK_SECRET; it only takes events, description and enabled");
    }
    const set: Partial<SubscriptionRow> = { updatedAt: this.now() };
    if (input.url !== undefined) set.url = input.url;
    if (input.events !== undefined) set.events = JSON.stringify(input.events);
    if (input.sessionId !== undefined) set.sessionId = input.sessionId;
    if (input.secret !== undefined) set.secret = input.secret;
    if (input.description !== undefined) set.description = input.description;
    if (input.enabled !== undefined) {
      set.enabled = input.enabled;
      set.disabledReason = input.enabled ? null : "disabled through the API";
    }
    this.orm.update(webhookSubscriptions).set(set).where(eq(webhookSubscriptions.id, id)).run();
    this.reload();
    if (current.enabled && input.enabled === false) this.onRetired(id);
    return this.get(id);
  }

  delete(id: string): void {
    if (this.get(id).kind === "global") throw new AppError(409, "SUBSCRIPTION_FROM_CONFIG", "The global subscription comes from WEBHOOK_URL; unset it there, or disable it");
    this.orm.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).run();
    this.reload();
    this.onRetired(id);
  }

  /** The receiver answered 410 Gone: it wants no more. */
  disableGone(id: string, url: string): void {
    this.orm.update(webhookSubscriptions).set({ enabled: false, disabledReason: `${url} answered 410 Gone`, updatedAt: this.now() }).where(eq(webhookSubscriptions.id, id)).run();
    this.reload();
    this.onRetired(id);
  }

  /**
   * Keeps the global subscription in step with WEBHOOK_URL at start. A new URL
   * starts enabled; the same URL keeps its state, so a receiver that answered
   * 410 stays disabled across restarts until re-enabled through the API.
   */
  syncGlobal(url: string | undefined, secret: string): void {
    const current = this.find(GLOBAL_ID);
    const at = this.now();
    if (url === undefined) {
      if (current) this.orm.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, GLOBAL_ID)).run();
    } else if (!current) {
      this.orm.insert(webhookSubscriptions).values({ id: GLOBAL_ID, kind: "global", url, secret, description: "WEBHOOK_URL", createdAt: at, updatedAt: at }).run();
    } else {
      const moved = current.url !== url;
      this.orm
        .update(webhookSubscriptions)
        .set({ url, secret, ...(moved && { enabled: true, disabledReason: null }), updatedAt: at })
        .where(eq(webhookSubscriptions.id, GLOBAL_ID))
        .run();
    }
    this.reload();
    if (current && url === undefined) this.onRetired(GLOBAL_ID);
  }

  private reload(): void {
    this.all = this.orm
      .select()
      .from(webhookSubscriptions)
      .orderBy(webhookSubscriptions.createdAt)
      .all()
      .map((row) => ({ ...row, events: JSON.parse(row.events) as string[] }));
  }
}

/** A signing secret for a subscription the integrator gave none for. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}
