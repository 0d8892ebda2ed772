import type { Redis } from "ioredis";
import { aliveKey, workerConnectionName, workerQueueName } from "../../cluster/names.ts";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { CoordinatorClient, type Fetcher } from "../../worker/coordinator/coordinator-client.ts";
import { CoordinatorLink } from "../../worker/coordinator/coordinator-link.ts";
import { PlacementFollower } from "../../worker/placement/placement-follower.ts";
import { coordinatorDelivery, CoordinatorReporter } from "../../worker/reporting/coordinator-reporter.ts";
import type { WorkerMode } from "../../worker/worker-mode.ts";

/** How long a stopping worker waits for the coordinator to take note before it closes its sessions anyway. */
const ANNOUNCE_TIMEOUT_MS = 1000;

interface CoordinatedModeDeps {
  config: Config;
  redis: Redis;
  /** BACKEND_AUTH_TOKEN. */
  workerToken: string;
  version: string;
  log: Logger;
  /** In --role=all, contract A calls go straight to the app's handler instead of through a socket. */
  fetch?: Fetcher;
}

/**
 * A worker under a coordinator (contract A): it registers and heartbeats, reports over contract A, runs
 * the sessions the coordinator placed on it (following its placement set in Redis), consumes its own
 * queue (the router hands it only its sessions' jobs), and keeps a liveness key that lapses with its leases.
 */
export function coordinatedMode(deps: CoordinatedModeDeps): WorkerMode {
  const { config, redis, log } = deps;
  const workerId = config.workerId;
  const client = new CoordinatorClient({ baseUrl: config.backendUrl, token: deps.workerToken, ...(deps.fetch && { fetch: deps.fetch }) });
  let link: CoordinatorLink | undefined;
  let follower: PlacementFollower | undefined;
  return {
    name: "coordinated",
    queueName: workerQueueName(workerId),
    outbox: { name: `coordinator:${workerId}`, deliver: coordinatorDelivery(client, log, () => link?.reRegister()) },
    reporter: (outbox) => new CoordinatorReporter(outbox, workerId, log),
    placedHere: (id) => follower?.placedHere(id) ?? Promise.resolve(false),
    attach(host, context) {
      follower = new PlacementFollower({ redis, host, workerId, intervalMs: context.leaseTtlMs / 3, log });
      const placement = follower;
      return {
        renew: async () => void (await redis.set(aliveKey(workerId), context.instanceId, "PX", context.leaseTtlMs)),
        async start() {
          // Named after this worker, on every (re)connect: ioredis sends options.connectionName each time.
          redis.options.connectionName = workerConnectionName(workerId);
          await redis.client("SETNAME", redis.options.connectionName);
          await placement.start();
          link = new CoordinatorLink({
            client,
            registration: { workerId, endpoint: config.workerEndpoint, maxSessions: config.maxSessions, status: "ONLINE", version: deps.version, environment: config.environment },
            intervalMs: config.heartbeatIntervalMs,
            counts: () => host.counts(),
            messageCount: () => host.messageCount,
            execute: async (command) => {
              // DRAIN/UNDRAIN and START_SESSION act through the placement the coordinator already changed.
              if (command.type === "DRAIN" || command.type === "UNDRAIN" || command.type === "START_SESSION") placement.poke();
              await context.execute(command);
            },
            onAssigned: () => placement.poke(),
            log,
          });
          link.start();
        },
        async beforeShutdown() {
          placement.stop();
          // Hand-over: the coordinator places the sessions elsewhere first, so their new owners are
          // already waiting for the leases when the sockets here close and let go of them.
          await link?.announce("MAINTENANCE", ANNOUNCE_TIMEOUT_MS);
        },
        handOverOnShutdown: true,
        async afterShutdown() {
          await link?.stop();
          // After unregistering: the coordinator would otherwise read the missing key as a crash.
          await redis.del(aliveKey(workerId)).catch(() => undefined);
        },
      };
    },
  };
}
