import { QUEUE_NAME } from "../../contracts/jobs/index.ts";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { WebhookReporter, webhookDelivery } from "../../worker/reporting/webhook-reporter.ts";
import type { WorkerMode } from "../../worker/worker-mode.ts";

/** The outbox of a standalone worker's webhooks (its Redis keys, which its dead-webhook API reads too). */
export const webhookOutboxName = (workerId: string): string => `webhook:${workerId}`;

/**
 * Contract A's "Standalone Mode": no coordinator. The worker consumes contract B's `whatsapp-jobs`
 * itself, posts contract B webhooks to WEBHOOK_URL, and resumes the sessions it ran before. Its
 * webhooks follow the coordinator's policy: the same timeout, backoff and retry horizon, and a refused
 * one goes to the dead list instead of holding up its session's later ones.
 */
export function standaloneMode(deps: { config: Config; log: Logger }): WorkerMode {
  const { config, log } = deps;
  if (!config.webhookUrl) log.warn("standalone worker without WEBHOOK_URL: events wait in Redis (in the dead list after WEBHOOK_RETRY_HORIZON) until one is configured");
  const secret = config.secrets.webhookSecret;
  // Anyone who can reach the receiver could post it events that look like ours.
  if (!secret) log.warn("standalone worker without WEBHOOK_SECRET: it sends unsigned webhooks (no X-Webhook-Signature), so receivers cannot verify them");
  return {
    name: "standalone",
    queueName: QUEUE_NAME,
    outbox: {
      name: webhookOutboxName(config.workerId),
      deliver: webhookDelivery({ url: config.webhookUrl ?? "", secret, timeoutMs: config.webhookTimeoutMs }, log),
      retry: { baseMs: config.webhookRetryBaseMs, maxDelayMs: config.webhookRetryMaxDelayMs, horizonMs: config.webhookRetryHorizonMs },
    },
    reporter: (outbox) => new WebhookReporter(outbox, config.workerId, log),
    attach(host, context) {
      return {
        renew: async () => undefined,
        start: async () => context.resume(await host.remembered()),
        beforeShutdown: async () => undefined,
        handOverOnShutdown: false,
        afterShutdown: async () => undefined,
      };
    },
  };
}
