import type { Redis } from "ioredis";

/** How long a completed job's result can be looked up. */
const RESULT_TTL_SECONDS = 24 * 60 * 60;

interface JobOutcome {
  name: string;
  sessionId: string | null;
  result: unknown;
  attemptsMade: number;
  maxAttempts: number;
  /** Above 0 when the attempt that completed was a redelivery after a worker died (see JobContext). */
  redelivery?: number;
  createdAt: number;
  processedAt: number | null;
  finishedAt: number;
}

/**
 * Contract B removes completed jobs (`removeOnComplete: true`), taking their
 * return value with them. The intake therefore keeps each result here, with a
 * TTL, before the job completes, so GET /api/v1/jobs/{jobId} can still say
 * "completed" and show, e.g., the WhatsApp message id.
 */
export class JobResultStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = RESULT_TTL_SECONDS,
  ) {}

  async save(jobId: string, outcome: JobOutcome): Promise<void> {
    await this.redis.set(key(jobId), JSON.stringify(outcome), "EX", this.ttlSeconds);
  }

  async get(jobId: string): Promise<JobOutcome | undefined> {
    const raw = await this.redis.get(key(jobId));
    return raw === null ? undefined : (JSON.parse(raw) as JobOutcome);
  }
}

const key = (jobId: string) => `wa-gateway:job-result:${jobId}`;
