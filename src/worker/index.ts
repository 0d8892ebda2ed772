import { Worker as BullWorker } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config/config.ts";
import { QUEUE_NAME } from "../jobs/contract/index.ts";
import { createJobProcessor } from "../jobs/intake.ts";
import { SessionRateLimiter } from "../jobs/rate-limit.ts";
import { JobResultStore } from "../jobs/result-store.ts";
import { fetchMedia } from "../media/download.ts";
import type { Logger } from "../platform/logger.ts";
import type { Command } from "../registry/commands/model.ts";
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

/** How long a lease lives without renewal; renewed every third of it. */
const LEASE_TTL_MS = 30_000;
const OUTBOX_LANES = 8;

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

  const leases = new SessionLeases(redis, { workerId, instanceId: Bun.randomUUIDv7() }, LEASE_TTL_MS);
  const host = new SessionHost({
    workerId,
    driver: deps.driver,
    leases,
    redis,
    authKey: deps.authStateKey,
    reporter,
    policy: { maxFailures: config.reconnectMaxFailures, baseDelayMs: config.reconnectBaseDelayMs, maxDelayMs: 60_000 },
    maxSessions: config.maxSessions,
    log,
  });
  const renewal = setInterval(() => void host.renewLeases().catch((err: unknown) => log.warn({ err }, "lease renewal failed")), LEASE_TTL_MS / 3);

  const resume = (ids: string[]) => {
    for (const id of ids) void host.serialize(id, () => host.start(id)).catch((err: unknown) => log.warn({ err: String(err), sessionId: id }, "could not resume a session"));
  };
  const execute = async (command: Command): Promise<void> => {
    if (command.type === "DRAIN") {
      host.accepting = false;
      return;
    }
    const id = command.sessionId;
    if (command.type === "START_SESSION") await host.serialize(id, () => host.start(id));
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
  const consumer = new BullWorker(QUEUE_NAME, processor, { connection: redis.duplicate(), concurrency: config.consumers, autorun: false });
  consumer.on("error", (err) => log.error({ err }, "job consumer error"));

  outbox.start();
  reporter.worker("worker_started", { version: deps.version, maxSessions: config.maxSessions });
  resume(await host.remembered());
  if (client) {
    link = new CoordinatorLink({
      client,
      registration: { workerId, endpoint: config.workerEndpoint, maxSessions: config.maxSessions, status: "ONLINE", version: deps.version, environment: config.environment },
      intervalMs: config.heartbeatIntervalMs,
      counts: () => host.counts(),
      messageCount: () => host.messageCount,
      execute,
      onAssigned: resume,
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
      clearInterval(renewal);
      // In-flight jobs finish first (they may need their sessions), within half the grace period.
      const closed = consumer.close();
      if ((await Promise.race([closed.then(() => true), Bun.sleep(graceMs / 2).then(() => false)])) === false) await consumer.close(true);
      await host.shutdown();
      reporter.worker("worker_stopping", { reason: "shutdown" });
      await outbox.stop(Math.max(0, deadline - Date.now() - 1000));
      await link?.stop();
    },
  };
}
