import type { Redis } from "ioredis";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Fetcher } from "../../worker/coordinator/coordinator-client.ts";
import { startWorker, type RunningWorker } from "../../worker/index.ts";
import type { WhatsAppDriver } from "../../whatsapp/driver.ts";
import { coordinatedMode } from "./coordinated-mode.ts";

interface WorkerRoleDeps {
  config: Config;
  workerToken: string;
  authStateKey: Uint8Array;
  redis: Redis;
  driver: WhatsAppDriver;
  version: string;
  log: Logger;
  /** In --role=all, contract A calls go straight to the app's handler instead of through a socket. */
  fetch?: Fetcher;
}

/** The worker role's composition: the worker engine under a coordinator (contract A). */
export function startCoordinatedWorker(deps: WorkerRoleDeps): Promise<RunningWorker> {
  const { config, redis, log, version } = deps;
  const mode = coordinatedMode({ config, redis, workerToken: deps.workerToken, version, log, ...(deps.fetch && { fetch: deps.fetch }) });
  return startWorker({ config, mode, authStateKey: deps.authStateKey, redis, driver: deps.driver, version, log });
}
