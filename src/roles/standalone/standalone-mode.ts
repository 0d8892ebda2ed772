import { QUEUE_NAME } from "../../contracts/jobs/index.ts";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { WebhookReporter, webhookDelivery } from "../../worker/reporting/webhook-reporter.ts";
import type { WorkerMode } from "../../worker/worker-mode.ts";

/**
 * Contract A's "Standalone Mode": no coordinator. The worker consumes contract B's `whatsapp-jobs`
 * itself, posts contract B webhooks to WEBHOOK_URL, and resumes the sessions it ran before.
 */
export function standaloneMode(deps: { config: Config; log: Logger }): WorkerMode {
  const { config, log } = deps;
  if (!config.webhookUrl) log.warn("standalone worker without WEBHOOK_URL: events are kept in Redis until one is configured");
  return {
    name: "standalone",
    queueName: QUEUE_NAME,
    outbox: { name: `webhook:${config.workerId}`, deliver: webhookDelivery(config.webhookUrl ?? "", config.secrets.webhookSecret, log) },
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
