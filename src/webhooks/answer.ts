/**
 * What a receiver's answer to a webhook POST means, for every sender of webhooks (the coordinator's
 * deliverer and a standalone worker's outbox), so they follow one policy:
 * - `delivered`: 2xx;
 * - `gone`: 410, the receiver wants nothing more from this sender;
 * - `refused`: any other 4xx but 408 and 429. The receiver is up and says this request is wrong (too
 *   large, malformed, unauthorised): the same POST will be refused again, so retrying it only holds up
 *   what waits behind it. It goes to the dead letters, for an operator to redeliver once the receiver
 *   is fixed;
 * - `retry`: no answer (timeout, network error), 408, 429, 3xx (redirects are not followed) and 5xx,
 *   which may pass.
 */
export type AnswerVerdict = "delivered" | "gone" | "refused" | "retry";

export function classifyAnswer(statusCode: number | null): AnswerVerdict {
  if (statusCode === null) return "retry";
  if (statusCode >= 200 && statusCode < 300) return "delivered";
  if (statusCode === 410) return "gone";
  if (statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429) return "refused";
  return "retry";
}
