import { toEnvelope } from "../event-feed/envelope.ts";
import type { Logger } from "../platform/logger.ts";
import type { LedgerRow } from "../registry/events/schema.ts";
import type { DeliveryStore, LoadedDelivery } from "./delivery-store.ts";
import type { DeliveryGate, Outcome } from "./gate.ts";
import { classifyAnswer } from "./answer.ts";
import { postWebhook, type PostResult } from "./post.ts";
import { retryAt, type DeliveryJob, type DeliveryQueue } from "./queue.ts";
import { retryDelay } from "./retry-delay.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import { webhookHeaders } from "../contracts/webhook-signature.ts";
import type { SubscriptionStore } from "./subscriptions.ts";
import { pinWebhookUrl, type WebhookUrlPolicy } from "../net/webhook-target-url.ts";

interface DelivererSettings {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
}

interface DelivererDeps {
  store: DeliveryStore;
  subscriptions: SubscriptionStore;
  sessionUrls: Pick<SessionStore, "webhookUrlOf" | "clearGoneWebhookUrl">;
  queue: DeliveryQueue;
  gate: DeliveryGate;
  urlPolicy: WebhookUrlPolicy;
  /** Signs the global and per-session URLs (subscriptions have their own). */
  webhookSecret: string;
  settings: DelivererSettings;
  log: Logger;
  now?: () => number;
}

interface Target {
  url: string;
  secret: string;
}

export const SESSION_TARGET = "session:";

/**
 * Runs one delivery job: finds the delivery and its receiver, waits for a
 * slot at that receiver (or parks the delivery), POSTs the signed event and
 * records the attempt. A 2xx delivers; a 410 retires the receiver; another
 * 4xx (but 408 and 429) dead-letters the delivery at once; anything else is
 * retried with backoff until the retry horizon, then dead-lettered (answer.ts).
 */
export class Deliverer {
  private readonly now: () => number;
  /** Targets whose parked deliveries are being released, so two releases never race. */
  private readonly releasing = new Set<string>();

  constructor(private readonly deps: DelivererDeps) {
    this.now = deps.now ?? Date.now;
  }

  readonly process = async (job: DeliveryJob, token?: string): Promise<void> => {
    const { store, gate } = this.deps;
    const loaded = store.load(job.data.id);
    if (!loaded || loaded.delivery.status !== "pending") return;
    const { delivery, event } = loaded;
    if (job.data.released) gate.arrived(delivery.target);

    if (!(await gate.acquire(delivery.target, delivery.attempts > 0 || job.data.probe === true))) {
      gate.parked(delivery.target);
      return store.park(delivery.id, this.now());
    }
    let outcome: Outcome = "failed";
    let retryAtMs: number | undefined;
    try {
      // Resolved once a slot is held, not before: the wait for it may outlast the receiver (a 410 from one of the
      // POSTs it waited for retires the target), and a delivery queued for a retired target is dropped, not sent.
      const target = this.resolve(delivery.target, event.sessionId);
      if (typeof target === "string") {
        // Nothing was tried, and a retired receiver has nothing held back for it: no failure to remember.
        outcome = "ok";
        return await store.settle(delivery.id, "cancelled", target, this.now());
      }
      if (this.now() >= delivery.horizonAt) {
        outcome = "dead";
        return await store.settle(delivery.id, "dead", "retry horizon reached", this.now());
      }
      const at = this.now();
      const result = await this.attempt(target, event);
      const record = { at, url: target.url, ...result };
      const verdict = classifyAnswer(result.statusCode);
      if (verdict === "delivered") {
        outcome = "ok";
        return await store.recordAttempt(delivery.id, record, "delivered");
      }
      if (verdict === "refused") {
        // The receiver is up and refuses this one event: its other deliveries are not held back behind it.
        outcome = "ok";
        return await store.recordAttempt(delivery.id, record, "dead");
      }
      if (verdict === "gone") {
        // The receiver is up and says it wants nothing more: not a failure of the receiver, so parked ones are not held back.
        outcome = "ok";
        await store.recordAttempt(delivery.id, record, "cancelled");
        return this.retire(delivery, event, target.url);
      }
      const next = this.now() + retryDelay(delivery.attempts + 1, this.deps.settings.retryBaseMs, this.deps.settings.retryMaxDelayMs);
      if (next > delivery.horizonAt) {
        outcome = "dead";
        return await store.recordAttempt(delivery.id, record, "dead");
      }
      await store.recordAttempt(delivery.id, record, "pending");
      retryAtMs = next;
    } finally {
      this.afterAttempt(delivery.target, outcome);
    }
    await retryAt(job, token, retryAtMs);
  };

  private async attempt(target: Target, event: LedgerRow): Promise<PostResult> {
    // Checked again at every attempt, since DNS can change after the URL was accepted; the POST goes to the address checked.
    const pinned = await pinWebhookUrl(target.url, this.deps.urlPolicy);
    if (!pinned.ok) return { statusCode: null, latencyMs: 0, error: `refused: ${pinned.message}` };
    const body = JSON.stringify(toEnvelope(event));
    const headers = { "x-webhook-event": event.type, ...webhookHeaders(target.secret, event.eventId, body, this.now()) };
    return postWebhook(pinned.target, body, headers, this.deps.settings.timeoutMs);
  }

  /** The receiver of a delivery now, or why there is none. */
  private resolve(target: string, sessionId: string | null): Target | string {
    if (target.startsWith(SESSION_TARGET)) {
      const url = sessionId === null ? null : this.deps.sessionUrls.webhookUrlOf(sessionId);
      return url === null ? "the session has no webhook URL any more" : { url, secret: this.deps.webhookSecret };
    }
    const sub = this.deps.subscriptions.find(target);
    if (!sub) return "the subscription was deleted";
    if (!sub.enabled) return `the subscription is disabled${sub.disabledReason ? ` (${sub.disabledReason})` : ""}`;
    return { url: sub.url, secret: sub.secret };
  }

  /** 410 Gone: disable the subscription (or forget the session's URL) and cancel what was still pending for it. */
  private retire(delivery: LoadedDelivery, event: LedgerRow, url: string): void {
    const now = this.now();
    if (delivery.target.startsWith(SESSION_TARGET)) {
      if (event.sessionId !== null) this.deps.sessionUrls.clearGoneWebhookUrl(event.sessionId, url, now);
      this.deps.store.cancelPending(delivery.target, `${url} answered 410 Gone`, now);
    } else {
      this.deps.subscriptions.disableGone(delivery.target, url);
    }
    this.deps.log.warn({ target: delivery.target, url }, "webhook receiver answered 410 Gone: it gets no more deliveries");
  }

  private afterAttempt(target: string, outcome: Outcome): void {
    const release = this.deps.gate.release(target, outcome);
    if (release === 0 || this.releasing.has(target)) return;
    this.releasing.add(target);
    const now = this.now();
    // A probe that died leaves parked deliveries behind; those past their horizon die with it.
    if (outcome === "dead") this.deps.store.expireParked(target, now);
    const rows = this.deps.store.unpark(target, release, now);
    this.deps.gate.released(target, rows.length);
    this.deps.queue
      .add(rows, { released: true, probe: outcome !== "ok" })
      .catch((err: unknown) => this.deps.log.error({ err, target }, "could not queue released webhook deliveries; they are queued again at the next start"))
      .finally(() => this.releasing.delete(target));
  }
}
