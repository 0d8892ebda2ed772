import { createHmac } from "node:crypto";

/**
 * The headers that prove a webhook came from this gateway:
 * `X-Webhook-Signature: v1=<hex HMAC-SHA256 of "{timestamp}.{body}">`, keyed
 * with the receiver's secret. The timestamp (unix seconds) is signed too, so a
 * receiver can refuse old replays; the id lets it drop duplicates.
 */
export function webhookHeaders(secret: string, id: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    "x-webhook-id": id,
    "x-webhook-timestamp": timestamp,
    "x-webhook-signature": `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`,
  };
}
