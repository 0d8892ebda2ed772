import type { AnyElysia } from "elysia";
import type { Redis } from "ioredis";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startWorker, type RunningWorker } from "../../worker/index.ts";
import { DeadLetters } from "../../worker/reporting/dead-letters.ts";
import { OutboxStore } from "../../worker/reporting/durable-outbox.ts";
import type { WhatsAppDriver } from "../../whatsapp/driver.ts";
import { deadWebhookRoutes } from "./dead-webhook-routes.ts";
import { standaloneMode, webhookOutboxName } from "./standalone-mode.ts";

interface StandaloneWorker {
  /** Its API (the dead webhooks), mounted before the worker starts. */
  plugin: AnyElysia;
  start(driver: WhatsAppDriver): Promise<RunningWorker>;
}

/** The standalone role's composition (`--role=worker --standalone`): the worker engine with no coordinator. */
export function standaloneWorker(deps: { config: Config; authStateKey: Uint8Array; redis: Redis; version: string; log: Logger }): StandaloneWorker {
  const { config, log } = deps;
  const mode = standaloneMode({ config, log });
  if (!config.secrets.apiKey) log.warn("standalone worker without API_KEY: its dead-webhook API (/api/v1/webhooks/dead) refuses every request");
  const dead = new DeadLetters(new OutboxStore(deps.redis, webhookOutboxName(config.workerId), deps.authStateKey, config.secrets.authStateKeyPrevious));
  return {
    plugin: deadWebhookRoutes(dead),
    start: (driver) => startWorker({ ...deps, driver, mode }),
  };
}
