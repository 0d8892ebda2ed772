import type { Queue } from "bullmq";
import type { AnyElysia } from "elysia";
import type { Redis } from "ioredis";
import { groupRoutes } from "../../groups/index.ts";
import { IdempotencyStore } from "../../job-producer/idempotency.ts";
import { jobRoutes } from "../../job-status/index.ts";
import { JobProducer } from "../../job-producer/producer.ts";
import { JobResultStore } from "../../job-consumer/result-store.ts";
import { JobStatusService } from "../../job-status/service.ts";
import { JobSubmitter } from "../../job-producer/submitter.ts";
import type { MediaPolicy } from "../../media/policy.ts";
import { messageRoutes } from "../../messages/index.ts";
import type { GatewayDatabase } from "../../platform/db/database.ts";
import { sessionRoutes } from "../../sessions/index.ts";
import { SessionService } from "../../sessions/service.ts";
import { SqliteSessionStore } from "../../sessions/sqlite-session-store.ts";
import type { WebhookUrlPolicy } from "../../net/webhook-target-url.ts";

export interface IntegratorApi {
  plugins: AnyElysia[];
  /** `whatsapp-jobs`, for the operator queue views. */
  jobQueue: Queue;
  /** Closes the queue producer; the Redis connection stays with its owner. */
  stop(): Promise<void>;
}

/**
 * The integrator REST API under /api/v1 (sessions, messages, groups, jobs),
 * built from the coordinator's database and Redis. Every route needs the API
 * key; every enqueueing route goes through one JobSubmitter.
 */
export function integratorApi(deps: { db: GatewayDatabase; redis: Redis; media: MediaPolicy; webhookUrls: WebhookUrlPolicy }): IntegratorApi {
  const { redis } = deps;
  const producer = new JobProducer(redis);
  const sessions = new SessionService(new SqliteSessionStore(deps.db));
  const submitter = new JobSubmitter({ producer, idempotency: new IdempotencyStore(redis), media: deps.media });
  const jobs = new JobStatusService(producer.queue, new JobResultStore(redis));
  const shared = { sessions, submitter };
  return {
    plugins: [sessionRoutes({ ...shared, webhookUrls: deps.webhookUrls }), messageRoutes(shared), groupRoutes(shared), jobRoutes({ jobs })],
    jobQueue: producer.queue,
    stop: () => producer.close(),
  };
}
