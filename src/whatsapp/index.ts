import type { Redis } from "ioredis";
import type { Config } from "../config/config.ts";
import type { Logger } from "../platform/logger.ts";
import { createBaileysDriver } from "./baileys/baileys-driver.ts";
import { RedisPollStore } from "./baileys/redis-poll-store.ts";
import type { WhatsAppDriver } from "./driver.ts";

/**
 * The worker's WhatsApp driver, pointed where the config says. Any override
 * of WhatsApp's URL or root key is logged as a warning, never used silently
 * (DESIGN invariant 7): in production it would mean talking to someone else.
 */
export function createWhatsAppDriver(config: Pick<Config, "waUrl" | "waTrustKey">, redis: Redis, log: Logger): WhatsAppDriver {
  if (config.waUrl || config.waTrustKey) {
    log.warn({ waUrl: config.waUrl ?? "(default)", trustKey: config.waTrustKey ? Buffer.from(config.waTrustKey).toString("hex") : "(default)" }, "NOT the real WhatsApp: the WhatsApp URL or trusted root key is overridden");
  }
  return createBaileysDriver({
    endpoint: { ...(config.waUrl && { wsUrl: config.waUrl }), ...(config.waTrustKey && { trustKey: config.waTrustKey }) },
    polls: new RedisPollStore(redis),
    log,
  });
}
