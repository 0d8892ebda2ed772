import type { Redis } from "ioredis";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startWorker, type RunningWorker } from "../../worker/index.ts";
import type { WhatsAppDriver } from "../../whatsapp/driver.ts";
import { standaloneMode } from "./standalone-mode.ts";

/** The standalone role's composition (`--role=worker --standalone`): the worker engine with no coordinator. */
export function startStandaloneWorker(deps: { config: Config; authStateKey: Uint8Array; redis: Redis; driver: WhatsAppDriver; version: string; log: Logger }): Promise<RunningWorker> {
  const { config, log } = deps;
  return startWorker({ ...deps, mode: standaloneMode({ config, log }) });
}
