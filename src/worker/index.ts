import { Worker as BullWorker } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config/config.ts";
import type { Command } from "../contracts/worker-api/commands.ts";
import { createJobProcessor } from "../job-consumer/intake.ts";
import { SessionRateLimiter } from "../job-consumer/rate-limit.ts";
import { JobResultStore } from "../job-consumer/result-store.ts";
import { fetchMedia } from "../media/download.ts";
import type { Logger } from "../platform/logger.ts";
import type { WhatsAppDriver } from "../whatsapp/driver.ts";
import { createWorkerExecutor } from "./jobs/worker-executor.ts";
import { SessionLeases } from "./ownership/session-lease.ts";
import { DurableOutbox } from "./reporting/durable-outbox.ts";
import type { Reporter } from "./reporting/reporter.ts";
import { SessionHost } from "./sessions/session-host.ts";
import type { WorkerMode } from "./worker-mode.ts";

interface WorkerDeps {
  config: Config;
  /** Coordinated or standalone: composed by the role (src/roles/worker, src/roles/standalone). */
  mode: WorkerMode;
  authStateKey: Uint8Array;
  redis: Redis;
  driver: WhatsAppDriver;
  version: string;
  log: Logger;
}

export interface RunningWorker {
  host: SessionHost;
  /** Drains: no new jobs, sessions closed (auth and resume list kept), reports flushed, then unregisters. */
  stop(graceMs: number): Promise<void>;
}

const OUTBOX_LANES = 8;

/**
 * Builds and starts the worker engine: sessions, the contract B job consumer and the durable outbox of
 * its reports. Where the reports go, which queue it consumes and who decides what runs here is its
 * mode's business.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, redis, log, mode } = deps;
  const workerId = config.workerId;
  const previousSealKey = config.secrets.authStateKeyPrevious;
  const outbox = new DurableOutbox(redis, { ...mode.outbox, lanes: OUTBOX_LANES, log, sealKey: deps.authStateKey, ...(previousSealKey && { previousSealKey }) });
  const reporter: Reporter = mode.reporter(outbox);

  const instanceId = Bun.randomUUIDv7();
  const leaseTtlMs = config.leaseTtlMs;
  const leases = new SessionLeases(redis, { workerId, instanceId }, leaseTtlMs);
  const host: SessionHost = new SessionHost({
    workerId,
    driver: deps.driver,
    leases,
    redis,
    // AUTH_STATE_KEY_PREVIOUS only ever comes from the environment: no role generates or keeps it.
    authKeys: { current: deps.authStateKey, ...(config.secrets.authStateKeyPrevious && { previous: config.secrets.authStateKeyPrevious }) },
    reporter,
    policy: { maxFailures: config.reconnectMaxFailures, baseDelayMs: config.reconnectBaseDelayMs, maxDelayMs: 60_000 },
    maxSessions: config.maxSessions,
    leaseWaitMs: leaseTtlMs + 1000,
    ...(mode.placedHere && { placedHere: mode.placedHere }),
    log,
  });
  const resume = (ids: string[]) => {
    for (const id of ids) void host.serialize(id, () => host.start(id)).catch((err: unknown) => log.warn({ err: String(err), sessionId: id }, "could not resume a session"));
  };
  // Only STOP and DELETE act on the host directly; the others work through the placement (the mode's).
  const execute = async (command: Command): Promise<void> => {
    if (command.type === "STOP_SESSION") await host.serialize(command.sessionId, () => host.stop(command.sessionId));
    else if (command.type === "DELETE_SESSION") await host.serialize(command.sessionId, () => host.delete(command.sessionId));
  };
  const runtime = mode.attach(host, { instanceId, leaseTtlMs, execute, resume, log });
  const renew = async () => {
    await Promise.all([host.renewLeases(), runtime.renew()]);
  };
  await renew();
  const renewal = setInterval(() => void renew().catch((err: unknown) => log.warn({ err }, "lease renewal failed")), leaseTtlMs / 3);

  const mediaPolicy = { maxBytes: config.maxMediaBytes, allowPrivateUrls: config.allowPrivateMediaUrls };
  const executor = createWorkerExecutor(host, reporter, (media) => fetchMedia(media, mediaPolicy));
  const processor = createJobProcessor({
    executor,
    results: new JobResultStore(redis),
    media: mediaPolicy,
    ...(config.rateLimitPerMinute > 0 && { rateLimiter: new SessionRateLimiter(redis, config.rateLimitPerMinute) }),
    log,
  });
  const consumer = new BullWorker(mode.queueName, processor, { connection: redis.duplicate(), concurrency: config.consumers, autorun: false });
  consumer.on("error", (err) => log.error({ err }, "job consumer error"));

  outbox.start();
  reporter.worker("worker_started", { version: deps.version, maxSessions: config.maxSessions });
  await runtime.start();
  void consumer.run().catch((err: unknown) => log.error({ err }, "job consumer stopped"));
  log.info({ workerId, mode: mode.name, consumers: config.consumers, maxSessions: config.maxSessions }, "worker started");

  return {
    host,
    async stop(graceMs) {
      const deadline = Date.now() + graceMs;
      host.accepting = false;
      // In-flight jobs finish first (they may need their sessions), within half the grace period.
      // Jobs still waiting on this worker's queue go to the sessions' new owners (the router moves them).
      const closed = consumer.close();
      if ((await Promise.race([closed.then(() => true), Bun.sleep(graceMs / 2).then(() => false)])) === false) await consumer.close(true);
      await runtime.beforeShutdown();
      await host.shutdown(runtime.handOverOnShutdown);
      clearInterval(renewal);
      reporter.worker("worker_stopping", { reason: "shutdown" });
      await outbox.stop(Math.max(0, deadline - Date.now() - 1000));
      await runtime.afterShutdown();
    },
  };
}
