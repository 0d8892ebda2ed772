import { Job, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { QUEUE_NAME } from "../../../src/contracts/jobs/index.ts";

export interface StoredJob {
  name: string;
  data: unknown;
  opts: Record<string, unknown>;
}

/** Reads a job back from Redis the way any BullMQ client would. */
export async function readJob(redis: Redis, jobId: string): Promise<StoredJob | undefined> {
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  try {
    const job = await Job.fromId(queue, jobId);
    return job ? { name: job.name, data: job.data, opts: job.opts as Record<string, unknown> } : undefined;
  } finally {
    await queue.close();
  }
}

export async function jobCount(redis: Redis): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  try {
    return await queue.count();
  } finally {
    await queue.close();
  }
}
