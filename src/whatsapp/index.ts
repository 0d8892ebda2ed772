import type { Redis } from "ioredis";
import type { Config } from "../config/config.ts";
import type { Logger } from "../platform/logger.ts";
import { createBaileysDriver } from "./baileys/baileys-driver.ts";
import { RedisPollStore } from "./baileys/redis-poll-store.ts";
import type { WhatsAppDriver } from "./driver.ts";
import { DEFAULT_WA_VERSION, formatWaVersion, sameWaVersion } from "../config/wa-version.ts";

/**
 * The worker's WhatsApp driver, pointed where the config says. Any override
 * of WhatsApp's URL or root key is logged as a warning, never used silently
 * (DESIGN invariant 7): in production it would mean talking to someone else. So is a WA Web version
 * other than the pinned one.
 */
export function createWhatsAppDriver(config: Pick<Config, "waUrl" | "waTrustKey" | "waVersion" | "historySync">, redis: Redis, log: Logger): WhatsAppDriver {
  if (config.waUrl || config.waTrustKey) {
    log.warn({ waUrl: config.waUrl ?? "(default)", trustKey: config.waTrustKey ? Buffer.from(config.waTrustKey).toString("hex") : "(default)" }, "NOT the real WhatsApp: the WhatsApp URL or trusted root key is overridden");
  }
  // Not the pinned version: right when WhatsApp has retired it, but a typo here fails every session.
  if (!sameWaVersion(config.waVersion, DEFAULT_WA_VERSION)) {
    log.warn({ waVersion: formatWaVersion(config.waVersion), pinned: formatWaVersion(DEFAULT_WA_VERSION) }, "announcing a WA Web version other than the pinned one (--wa-version)");
  }
  return createBaileysDriver({
    endpoint: { ...(config.waUrl && { wsUrl: config.waUrl }), ...(config.waTrustKey && { trustKey: config.waTrustKey }), version: config.waVersion, historySync: config.historySync },
    polls: new RedisPollStore(redis),
    log,
  });
}
