import type { AnyElysia } from "elysia";
import type { Redis } from "ioredis";
import { groupRoutes } from "./groups/index.ts";
import { IdempotencyStore } from "./jobs/idempotency.ts";
import { jobRoutes } from "./jobs/index.ts";
import { JobProducer } from "./jobs/producer.ts";
import { JobResultStore } from "./jobs/result-store.ts";
import { JobStatusService } from "./jobs/service.ts";
import { JobSubmitter } from "./jobs/submitter.ts";
import type { MediaPolicy } from "./media/policy.ts";
import { messageRoutes } from "./messages/index.ts";
import type { GatewayDatabase } from "./platform/db/database.ts";
import { sessionRoutes } from "./sessions/index.ts";
import { SessionService } from "./sessions/service.ts";

export interface IntegratorApi {
  plugins: AnyElysia[];
  /** Closes the queue producer and the API's Redis connection. */
  stop(): Promise<void>;
}

/**
 * The integrator REST API under /api/v1 (sessions, messages, groups, jobs),
 * built from the coordinator's database and Redis. Every route needs the API
 * key; every enqueueing route goes through one JobSubmitter.
 */
export function integratorApi(deps: { apiKey: string; db: GatewayDatabase; redis: Redis; media: MediaPolicy }): IntegratorApi {
  // Its own connection with auto-pipelining: under load, the idempotency claims
  // and job adds of concurrent requests go to Redis in shared writes.
  const redis = deps.redis.duplicate();
  const producer = new JobProducer(redis);
  const sessions = new SessionService(deps.db);
  const submitter = new JobSubmitter({ producer, idempotency: new IdempotencyStore(redis), media: deps.media });
  const jobs = new JobStatusService(producer.queue, new JobResultStore(redis));
  const shared = { apiKey: deps.apiKey, sessions, submitter };
  return {
    plugins: [sessionRoutes(shared), messageRoutes(shared), groupRoutes(shared), jobRoutes({ apiKey: deps.apiKey, jobs })],
    stop: async () => {
      await producer.close();
      await redis.quit();
    },
  };
}
