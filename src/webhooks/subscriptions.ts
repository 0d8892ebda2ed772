import { randomBytes } from "node:crypto";
import { AppError } from "../http/errors.ts";
import type { SubscriptionRow } from "./schema.ts";
import type { WebhookSubscriptionStore } from "./webhook-subscription-store.ts";

const GLOBAL_ID = "global";
const DISABLED_BY_API = "disabled through the API";

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
 * memory and reloaded from their store after each change.
 */
export class SubscriptionStore {
  private all: Subscription[] = [];

  constructor(
    private readonly rows: WebhookSubscriptionStore,
    private readonly now: () => number = Date.now,
    /** Called with a subscription id when it stops taking deliveries (disabled or deleted), and why. */
    private readonly onRetired: (id: string, reason: string) => void = () => {},
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
    this.rows.insert({
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
    });
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
      set.disabledReason = input.enabled ? null : DISABLED_BY_API;
    }
    this.rows.update(id, set);
    this.reload();
    if (current.enabled && input.enabled === false) this.onRetired(id, `the subscription was ${DISABLED_BY_API}`);
    return this.get(id);
  }

  delete(id: string): void {
    if (this.get(id).kind === "global") throw new AppError(409, "SUBSCRIPTION_FROM_CONFIG", "The global subscription comes from WEBHOOK_URL; unset it there, or disable it");
    this.rows.delete(id);
    this.reload();
    this.onRetired(id, "the subscription was deleted");
  }

  /** The receiver answered 410 Gone: it wants no more. */
  disableGone(id: string, url: string): void {
    const reason = `${url} answered 410 Gone`;
    this.rows.update(id, { enabled: false, disabledReason: reason, updatedAt: this.now() });
    this.reload();
    this.onRetired(id, reason);
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
      if (current) this.rows.delete(GLOBAL_ID);
    } else if (!current) {
      this.rows.insert({ id: GLOBAL_ID, kind: "global", url, secret, description: "WEBHOOK_URL", createdAt: at, updatedAt: at });
    } else {
      const moved = current.url !== url;
      this.rows.update(GLOBAL_ID, { url, secret, ...(moved && { enabled: true, disabledReason: null }), updatedAt: at });
    }
    this.reload();
    if (current && url === undefined) this.onRetired(GLOBAL_ID, "WEBHOOK_URL was unset");
  }

  private reload(): void {
    this.all = this.rows.all().map((row) => ({ ...row, events: JSON.parse(row.events) as string[] }));
  }
}

/** A signing secret for a subscription the integrator gave none for. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}
