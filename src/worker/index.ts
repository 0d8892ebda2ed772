import { Worker as BullWorker } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config/config.ts";
import { QUEUE_NAME } from "../contracts/jobs/index.ts";
import { createJobProcessor } from "../jobs/intake.ts";
import { SessionRateLimiter } from "../jobs/rate-limit.ts";
import { JobResultStore } from "../jobs/result-store.ts";
import { fetchMedia } from "../media/download.ts";
import type { Logger } from "../platform/logger.ts";
import type { Command } from "../contracts/worker-api/commands.ts";
import type { WhatsAppDriver } from "../whatsapp/driver.ts";
import { CoordinatorClient, type Fetcher } from "./coordinator/coordinator-client.ts";
import { CoordinatorLink } from "./coordinator/coordinator-link.ts";
import { createWorkerExecutor } from "./jobs/worker-executor.ts";
import { SessionLeases } from "./ownership/session-lease.ts";
import { coordinatorDelivery, CoordinatorReporter } from "./reporting/coordinator-reporter.ts";
import { DurableOutbox } from "./reporting/durable-outbox.ts";
import type { Reporter } from "./reporting/reporter.ts";
import { WebhookReporter, webhookDelivery } from "./reporting/webhook-reporter.ts";
import { SessionHost } from "./sessions/session-host.ts";
import { PlacementFollower } from "./placement/placement-follower.ts";
import { aliveKey, workerQueueName } from "../cluster/names.ts";

export interface WorkerDeps {
  config: Config;
  /** BACKEND_AUTH_TOKEN (unused when standalone). */
  workerToken: string | undefined;
  authStateKey: Uint8Array;
  redis: Redis;
  driver: WhatsAppDriver;
  version: string;
  log: Logger;
  /** In --role=all, contract A calls go straight to the app's handler instead of through a socket. */
  fetch?: Fetcher;
}

export interface RunningWorker {
  host: SessionHost;
  /** Drains: no new jobs, sessions closed (auth and resume list kept), reports flushed, then unregisters. */
  stop(graceMs: number): Promise<void>;
}

const OUTBOX_LANES = 8;
/** How long a stopping worker waits for the coordinator to take note before it closes its sessions anyway. */
const ANNOUNCE_TIMEOUT_MS = 1000;

/**
 * Builds and starts the worker: sessions, the contract B job consumer, and
 * its reporting, either to a coordinator (contract A) or, standalone, as
 * contract B webhooks to WEBHOOK_URL.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, redis, log } = deps;
  const workerId = config.workerId;
  const standalone = config.standalone;
  let link: CoordinatorLink | undefined;

  const client = standalone ? undefined : new CoordinatorClient({ baseUrl: config.backendUrl, token: deps.workerToken ?? "", ...(deps.fetch && { fetch: deps.fetch }) });
  const outbox = new DurableOutbox(redis, {
    name: `${standalone ? "webhook" : "coordinator"}:${workerId}`,
    lanes: OUTBOX_LANES,
    log,
    deliver: client ? coordinatorDelivery(client, log, () => link?.reRegister()) : webhookDelivery(config.webhookUrl ?? "", config.secrets.webhookSecret, log),
  });
  if (standalone && !config.webhookUrl) log.warn("standalone worker without WEBHOOK_URL: events are kept in Redis until one is configured");
  const reporter: Reporter = standalone ? new WebhookReporter(outbox, workerId, log) : new CoordinatorReporter(outbox, workerId, log);

  const instanceId = Bun.randomUUIDv7();
  const leaseTtlMs = config.leaseTtlMs;
  const leases = new SessionLeases(redis, { workerId, instanceId }, leaseTtlMs);
  // A coordinated worker runs what the coordinator placed on it; standalone, it is its own judge.
  let follower: PlacementFollower | undefined;
  const host: SessionHost = new SessionHost({
    workerId,
    driver: deps.driver,
    leases,
    redis,
    authKey: deps.authStateKey,
    reporter,
    policy: { maxFailures: config.reconnectMaxFailures, baseDelayMs: config.reconnectBaseDelayMs, maxDelayMs: 60_000 },
    maxSessions: config.maxSessions,
    leaseWaitMs: leaseTtlMs + 1000,
    ...(!standalone && { placedHere: (id: string) => follower?.placedHere(id) ?? Promise.resolve(false) }),
    log,
  });
  if (!standalone) follower = new PlacementFollower({ redis, host, workerId, intervalMs: leaseTtlMs / 3, log });
  // The liveness key lapses together with the leases: the coordinator's fastest sign of a dead worker.
  const stayAlive = () => redis.set(aliveKey(workerId), instanceId, "PX", leaseTtlMs);
  const renew = async () => {
    await Promise.all([host.renewLeases(), standalone ? undefined : stayAlive()]);
  };
  await renew();
  const renewal = setInterval(() => void renew().catch((err: unknown) => log.warn({ err }, "lease renewal failed")), leaseTtlMs / 3);

  const resume = (ids: string[]) => {
    for (const id of ids) void host.serialize(id, () => host.start(id)).catch((err: unknown) => log.warn({ err: String(err), sessionId: id }, "could not resume a session"));
  };
  const execute = async (command: Command): Promise<void> => {
    if (command.type === "DRAIN" || command.type === "UNDRAIN") {
      // The coordinator already stopped placing sessions here (and moves them away); refusing here
      // too would only race an undrain, whose placements can arrive before this command does.
      // The link reports the status (MAINTENANCE or ONLINE).
      follower?.poke();
      return;
    }
    const id = command.sessionId;
    // START_SESSION names a session placed here: the follower starts it if it can resume (the job path starts new ones).
    if (command.type === "START_SESSION") follower?.poke();
    else if (command.type === "STOP_SESSION") await host.serialize(id, () => host.stop(id));
    else await host.serialize(id, () => host.delete(id));
  };

  const mediaPolicy = { maxBytes: config.maxMediaBytes, allowPrivateUrls: config.allowPrivateMediaUrls };
  const executor = createWorkerExecutor(host, reporter, (media) => fetchMedia(media, mediaPolicy));
  const processor = createJobProcessor({
    executor,
    results: new JobResultStore(redis),
    media: mediaPolicy,
    ...(config.rateLimitPerMinute > 0 && { rateLimiter: new SessionRateLimiter(redis, config.rateLimitPerMinute) }),
    log,
  });
  // Coordinated, the router hands this worker only its own sessions' jobs, on its own queue.
  const queueName = standalone ? QUEUE_NAME : workerQueueName(workerId);
  const consumer = new BullWorker(queueName, processor, { connection: redis.duplicate(), concurrency: config.consumers, autorun: false });
  consumer.on("error", (err) => log.error({ err }, "job consumer error"));

  outbox.start();
  reporter.worker("worker_started", { version: deps.version, maxSessions: config.maxSessions });
  if (standalone) resume(await host.remembered());
  else await follower?.start();
  if (client) {
    link = new CoordinatorLink({
      client,
      registration: { workerId, endpoint: config.workerEndpoint, maxSessions: config.maxSessions, status: "ONLINE", version: deps.version, environment: config.environment },
      intervalMs: config.heartbeatIntervalMs,
      counts: () => host.counts(),
      messageCount: () => host.messageCount,
      execute,
      onAssigned: () => follower?.poke(),
      log,
    });
    link.start();
  }
  void consumer.run().catch((err: unknown) => log.error({ err }, "job consumer stopped"));
  log.info({ workerId, standalone, consumers: config.consumers, maxSessions: config.maxSessions }, "worker started");

  return {
    host,
    async stop(graceMs) {
      const deadline = Date.now() + graceMs;
      host.accepting = false;
      follower?.stop();
      // In-flight jobs finish first (they may need their sessions), within half the grace period.
      // Jobs still waiting on this worker's queue go to the sessions' new owners (the router moves them).
      const closed = consumer.close();
      if ((await Promise.race([closed.then(() => true), Bun.sleep(graceMs / 2).then(() => false)])) === false) await consumer.close(true);
      // Hand-over: the coordinator places the sessions elsewhere first, so their new owners are
      // already waiting for the leases when the sockets here close and let go of them.
      await link?.announce("MAINTENANCE", ANNOUNCE_TIMEOUT_MS);
      await host.shutdown(!standalone);
      clearInterval(renewal);
      reporter.worker("worker_stopping", { reason: "shutdown" });
      await outbox.stop(Math.max(0, deadline - Date.now() - 1000));
      await link?.stop();
      // After unregistering: the coordinator would otherwise read the missing key as a crash.
      if (!standalone) await redis.del(aliveKey(workerId)).catch(() => undefined);
    },
  };
}
