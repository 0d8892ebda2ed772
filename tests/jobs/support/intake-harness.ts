import { Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { QUEUE_NAME } from "../../../src/contracts/jobs/index.ts";
import type { JobExecutor } from "../../../src/job-consumer/executor.ts";
import { createJobProcessor } from "../../../src/job-consumer/intake.ts";
import { SessionRateLimiter } from "../../../src/job-consumer/rate-limit.ts";
import { JobResultStore } from "../../../src/job-consumer/result-store.ts";
import type { MediaPolicy } from "../../../src/media/policy.ts";
import { redisOptions } from "../../../src/platform/redis/redis-connection.ts";
import type { TestRedis } from "../../support/redis-server.ts";

export interface IntakeHarness {
  queue: Queue;
  results: JobResultStore;
  /** Resolves once the job is completed (gone, with a stored result) or failed. */
  settled(jobId: string, timeoutMs?: number): Promise<{ state: string; job?: Job }>;
  close(): Promise<void>;
}

/** A real BullMQ Worker on `whatsapp-jobs` whose processor is the intake in front of `executor`. */
export function startIntake(redisServer: TestRedis, executor: JobExecutor, opts: { media?: Partial<MediaPolicy>; perMinute?: number } = {}): IntakeHarness {
  const redis = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
  const results = new JobResultStore(redis);
  const processor = createJobProcessor({
    executor,
    results,
    media: { maxBytes: 1024 * 1024, allowPrivateUrls: false, resolve: async () => ["93.184.215.14"], ...opts.media },
    rateLimiter: opts.perMinute ? new SessionRateLimiter(redis, opts.perMinute) : undefined,
    log: pino({ level: "silent" }),
  });
  const workerRedis = new Redis(redisOptions(redisServer.url));
  const worker = new Worker(QUEUE_NAME, processor, { connection: workerRedis, concurrency: 4 });
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  return {
    queue,
    results,
    async settled(jobId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const state = await queue.getJobState(jobId);
        if (state === "failed" || state === "completed") return { state, job: await Job.fromId(queue, jobId) };
        // Contract B's removeOnComplete: a completed job is gone, its result kept.
        if (state === "unknown" && (await results.get(jobId))) return { state: "completed" };
        await Bun.sleep(20);
      }
      throw new Error(`job ${jobId} did not settle within ${timeoutMs} ms`);
    },
    async close() {
      await worker.close();
      await queue.close();
      workerRedis.disconnect();
      redis.disconnect();
    },
  };
}
