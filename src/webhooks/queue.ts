import { DelayedError, Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { redisOptions } from "../platform/redis/redis-connection.ts";
import type { QueuedDelivery } from "./delivery-store.ts";

interface DeliveryJobData {
  /** The delivery id. */
  id: string;
  /** Released from parking. */
  released?: boolean;
  /** Released to probe a failing receiver: may attempt even though it fails. */
  probe?: boolean;
}
export type DeliveryJob = Job<DeliveryJobData>;

const jobIdOf = (r: QueuedDelivery): string => `${r.id}-${r.generation}`;

/** Ask the queue to try again later, without counting a failure. */
export async function retryAt(job: DeliveryJob, token: string | undefined, at: number): Promise<never> {
  await job.moveToDelayed(at, token);
  throw new DelayedError();
}

/**
 * The BullMQ queue of webhook deliveries. It is private to one coordinator
 * (named after its instance id), since a job only points at a delivery in
 * that coordinator's SQLite. Retries are scheduled by the deliverer
 * (retryAt), not by BullMQ's attempts; the few attempts set here only cover
 * an unexpected error in the deliverer itself.
 */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  private worker: Worker<DeliveryJobData> | undefined;
  private workerConnection: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
    readonly name: string,
  ) {
    this.queue = new Queue<DeliveryJobData>(name, { connection: redis });
  }

  async add(rows: QueuedDelivery[], flags: Omit<DeliveryJobData, "id"> = {}): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      await this.queue.addBulk(
        rows.slice(i, i + 1000).map((r) => ({
          name: "deliver",
          data: { id: r.id, ...flags },
          // The generation makes a redelivery a new job; the same generation queued twice (after a restart) is one job.
          opts: { jobId: jobIdOf(r), attempts: 5, backoff: { type: "fixed", delay: 5000 }, removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
  }

  /** Those of `rows` whose job is not in the queue (waiting, delayed or active), e.g. because Redis lost its data. */
  async missing<T extends QueuedDelivery>(rows: T[]): Promise<T[]> {
    if (rows.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const r of rows) pipe.exists(this.queue.toKey(jobIdOf(r)));
    const answers = (await pipe.exec()) ?? [];
    return rows.filter((_, i) => {
      const [err, exists] = answers[i] ?? [null, 1];
      if (err) throw err;
      return exists === 0;
    });
  }

  /**
   * Jobs left active by a coordinator that was killed would wait out BullMQ's
   * stall detection (a minute or more). Nothing else consumes this queue, so
   * they are removed now, to be queued again from SQLite.
   */
  async dropOrphans(): Promise<number> {
    const active = await this.queue.getActive();
    for (const job of active) {
      await this.redis.del(this.queue.toKey(`${job.id}:lock`));
      await job.remove().catch(() => undefined);
    }
    return active.length;
  }

  start(processor: (job: DeliveryJob, token?: string) => Promise<void>, concurrency: number): void {
    // Its own connection: the worker blocks on it waiting for jobs.
    this.workerConnection = new Redis({ ...redisOptions(this.redisUrl), lazyConnect: false, connectionName: `${this.name}:worker` });
    this.worker = new Worker<DeliveryJobData>(this.name, processor, { connection: this.workerConnection, concurrency });
  }

  /** Lets in-flight deliveries finish (each is bounded by the webhook timeout), then closes. */
  async close(): Promise<void> {
    // With Redis gone, waiting for in-flight jobs to report back would only wait out the grace period; SQLite keeps them pending.
    const redisUp = this.workerConnection?.status === "ready";
    await this.worker?.close(!redisUp);
    this.workerConnection?.disconnect();
    if (redisUp) await this.queue.close();
  }
}
