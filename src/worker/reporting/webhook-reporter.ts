import type { MessageResult } from "../../contracts/jobs/index.ts";
import type { Logger } from "../../platform/logger.ts";
import { webhookHeaders } from "../../contracts/webhook-signature.ts";
import { classifyAnswer } from "../../webhooks/answer.ts";
import { postWebhook } from "../../webhooks/post.ts";
import type { DeliveryOutcome, DurableOutbox, OutboxItem } from "./durable-outbox.ts";
import { connectionUpdate, trafficEvent, type IntegratorEvent } from "./integrator-events.ts";
import type { Reporter, SessionChange, TrafficEvent } from "./reporter.ts";

/**
 * A standalone worker's reports: contract B webhooks posted straight to
 * WEBHOOK_URL, `{event, sessionId, timestamp (unix seconds), data}` plus an
 * `eventId` the receiver can deduplicate on. They go through the durable
 * outbox, so a receiver that is down gets them later, in order per session.
 */
export class WebhookReporter implements Reporter {
  constructor(
    private readonly outbox: DurableOutbox,
    private readonly workerId: string,
    private readonly log: Logger,
  ) {}

  session(sessionId: string, change: SessionChange): void {
    const update = connectionUpdate(change);
    if (update) this.queue(sessionId, update);
    const status = change.kind === "created" ? "created" : change.kind === "qr" ? "qr_required" : change.kind === "pairing_code" ? "pairing_code" : change.kind === "connected" ? "connected" : change.status;
    const extra = change.kind === "connected" ? { phoneNumber: `+${change.phoneNumber}` } : change.kind === "status" && change.error ? { error: change.error } : {};
    this.queue(sessionId, { event: "session.status", data: { status, ...extra } });
  }

  traffic(sessionId: string, event: TrafficEvent): void {
    this.queue(sessionId, trafficEvent(event));
  }

  messageSent(sessionId: string, sent: MessageResult, jobId: string): void {
    this.queue(sessionId, { event: "messages.update", data: { messageId: sent.messageId, remoteJid: sent.to, status: "sent", at: sent.timestamp * 1000, jobId } });
  }

  messageFailed(sessionId: string, failed: { jobId: string; to?: string; error: string }): void {
    this.queue(sessionId, { event: "messages.update", data: { jobId: failed.jobId, remoteJid: failed.to, status: "failed", at: Date.now(), error: failed.error } });
  }

  worker(): void {
    // Worker lifecycle is contract A's business; a standalone worker's receiver only hears about sessions.
  }

  private queue(sessionId: string, { event, data }: IntegratorEvent): void {
    const body = { event, sessionId, timestamp: Math.floor(Date.now() / 1000), data, eventId: Bun.randomUUIDv7(), workerId: this.workerId };
    this.outbox.push(sessionId, body).catch((err: unknown) => this.log.error({ err, event }, "could not queue a webhook in Redis; it is lost"));
  }
}

/**
 * POSTs one webhook, answers classified as the coordinator classifies them (webhooks/answer.ts): 2xx is
 * delivered; a refusal (4xx but 408 and 429, 410 included: WEBHOOK_URL is not ours to retire) goes to the
 * dead list at once, so the session's later events are not held behind it; anything else is retried (the
 * outbox backs off, and gives up at the retry horizon). With a secret it is signed like the coordinator's
 * webhooks (X-Webhook-Id/-Timestamp/-Signature), so a receiver verifies both the same way.
 */
export function webhookDelivery(target: { url: string; secret: string | undefined; timeoutMs: number }, log: Logger): (item: OutboxItem) => Promise<DeliveryOutcome> {
  const { url, secret, timeoutMs } = target;
  return async (item) => {
    const body = JSON.stringify(item);
    const signature = secret ? webhookHeaders(secret, String(item.eventId), body) : {};
    const result = await postWebhook({ url, headers: {} }, body, { "x-webhook-event": String(item.event), ...signature }, timeoutMs);
    const verdict = classifyAnswer(result.statusCode);
    if (verdict === "delivered") return "delivered";
    const detail = result.error ?? `HTTP ${result.statusCode}`;
    if (verdict === "retry") {
      log.warn({ status: result.statusCode, error: result.error, event: item.event }, "webhook receiver did not take an event; retrying");
      return { outcome: "retry", detail };
    }
    log.warn({ status: result.statusCode, event: item.event, eventId: item.eventId }, "webhook receiver refused an event; it is kept in the dead list (GET /api/v1/webhooks/dead)");
    return { outcome: "rejected", detail };
  };
}
