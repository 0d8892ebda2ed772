import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { DEFAULT_JOB_OPTIONS, QUEUE_NAME, type ContractJob } from "../contracts/jobs/index.ts";

/**
 * Adds contract B jobs to `whatsapp-jobs` with the contract's default options.
 * It shares the coordinator's Redis connection (adding needs no blocking
 * commands) and leaves closing that connection to its owner.
 */
export class JobProducer {
  readonly queue: Queue;

  constructor(redis: Redis) {
    this.queue = new Queue(QUEUE_NAME, { connection: redis });
  }

  async add(job: ContractJob, jobId: string): Promise<void> {
    await this.queue.add(job.name, job.data, { ...DEFAULT_JOB_OPTIONS, jobId });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
