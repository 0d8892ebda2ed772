import type { Static } from "elysia";
import { AppError } from "../http/errors.ts";
import { SESSION_TARGET } from "./deliverer.ts";
import type { DeliveryFilter, DeliveryStore } from "./delivery-store.ts";
import type { AttemptRow, DeliveryRow } from "./schema.ts";
import type { CreateSubscriptionBody, DeliveryView, RedeliverBody, SubscriptionView, UpdateSubscriptionBody } from "./model.ts";
import type { DeliveryQueue } from "./queue.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { Subscription, SubscriptionStore } from "./subscriptions.ts";
import { requireWebhookUrl, type WebhookUrlPolicy } from "../net/webhook-target-url.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const DEFAULT_REDELIVER_LIMIT = 10_000;

interface WebhookServiceDeps {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  sessionUrls: Pick<SessionStore, "setWebhookUrl">;
  queue: DeliveryQueue;
  urlPolicy: WebhookUrlPolicy;
  horizonMs: number;
  now?: () => number;
}

/** What the webhook API does: subscriptions (URLs checked when set), per-session URLs, and the deliveries. */
export class WebhookService {
  private readonly now: () => number;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(body: Static<typeof CreateSubscriptionBody>): Promise<Static<typeof SubscriptionView>> {
    await requireWebhookUrl(body.url, this.deps.urlPolicy, "body.url");
    return subscriptionView(this.deps.subscriptions.create(body));
  }

  async update(id: string, body: Static<typeof UpdateSubscriptionBody>): Promise<Static<typeof SubscriptionView>> {
    if (body.url !== undefined) await requireWebhookUrl(body.url, this.deps.urlPolicy, "body.url");
    return subscriptionView(this.deps.subscriptions.update(id, body));
  }

  async setSessionUrl(sessionId: string, url: string | null): Promise<void> {
    if (url !== null) await requireWebhookUrl(url, this.deps.urlPolicy, "body.url");
    if (!this.deps.sessionUrls.setWebhookUrl(sessionId, url, this.now())) throw new AppError(404, "SESSION_NOT_FOUND", `Session "${sessionId}" does not exist`);
    if (url === null) this.deps.deliveries.cancelPending(`${SESSION_TARGET}${sessionId}`, "the session's webhook URL was removed", this.now());
  }

  delivery(id: string): Static<typeof DeliveryView> & { attemptLog: ReturnType<typeof attemptView>[] } {
    const row = this.deps.deliveries.get(id);
    if (!row) throw new AppError(404, "DELIVERY_NOT_FOUND", `Webhook delivery ${id} does not exist`);
    return { ...deliveryView(row), attemptLog: this.deps.deliveries.attempts(id).map(attemptView) };
  }

  async redeliverOne(id: string): Promise<number> {
    const row = this.deps.deliveries.get(id);
    if (!row) throw new AppError(404, "DELIVERY_NOT_FOUND", `Webhook delivery ${id} does not exist`);
    if (row.status === "pending") throw new AppError(409, "DELIVERY_PENDING", `Webhook delivery ${id} is still pending; it is retried on its own`);
    return this.requeue({ ids: [id] }, 1);
  }

  async redeliver(body: Static<typeof RedeliverBody>): Promise<number> {
    if (body.status === "pending") throw new AppError(400, "VALIDATION_ERROR", "Invalid body.status: pending deliveries are retried on their own");
    const { since, until, limit, ...rest } = body;
    const filter: DeliveryFilter = { ...rest, status: rest.status ?? "dead" };
    if (since !== undefined) filter.since = Date.parse(since);
    if (until !== undefined) filter.until = Date.parse(until);
    return this.requeue(filter, limit ?? DEFAULT_REDELIVER_LIMIT);
  }

  private async requeue(filter: DeliveryFilter & { ids?: string[] }, limit: number): Promise<number> {
    const rows = this.deps.deliveries.redeliver(filter, this.now(), this.deps.horizonMs, limit);
    await this.deps.queue.add(rows);
    return rows.length;
  }
}

export function subscriptionView(s: Subscription): Static<typeof SubscriptionView> {
  return {
    id: s.id,
    kind: s.kind,
    url: s.url,
    events: s.events,
    sessionId: s.sessionId,
    secret: s.secret,
    description: s.description,
    enabled: s.enabled,
    disabledReason: s.disabledReason,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function deliveryView(d: DeliveryRow): Static<typeof DeliveryView> {
  return {
    id: d.id,
    eventId: d.eventId,
    type: d.type,
    sessionId: d.sessionId,
    target: d.target,
    status: d.status,
    attempts: d.attempts,
    parked: d.parked,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastAttemptAt: isoOrNull(d.lastAttemptAt),
    deliveredAt: isoOrNull(d.deliveredAt),
    retryUntil: iso(d.horizonAt),
    createdAt: iso(d.createdAt),
  };
}

function attemptView(a: AttemptRow) {
  return { at: iso(a.at), url: a.url, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error };
}
