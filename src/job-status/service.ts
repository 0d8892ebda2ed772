import { Job, type Queue } from "bullmq";
import { AppError } from "../http/errors.ts";
import { failureCode, type JobFailureCode } from "../contracts/jobs/index.ts";
import type { JOB_STATES } from "../job-producer/model.ts";
import type { JobResultStore } from "../job-consumer/result-store.ts";

interface JobStatus {
  jobId: string;
  name: string;
  sessionId: string | null;
  state: (typeof JOB_STATES)[number];
  attemptsMade: number;
  maxAttempts: number;
  redelivery?: number;
  result?: unknown;
  failedReason?: string;
  failureCode?: JobFailureCode | null;
  createdAt: string;
  processedAt: string | null;
  finishedAt: string | null;
  runAt?: string;
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

/** Where a job stands: from the queue while BullMQ has it, from the result store once it completed and was removed. */
export class JobStatusService {
  constructor(
    private readonly queue: Queue,
    private readonly results: JobResultStore,
  ) {}

  async get(jobId: string): Promise<JobStatus> {
    // State before fields: BullMQ writes a finished job's fields in the same script that moves it to
    // completed/failed, so fields read after a final state are final. The other way round, a job that
    // finished in between showed "failed" with its active attempt's fields (no reason, 0 attempts).
    const raw = await this.queue.getJobState(jobId);
    const job = raw === "unknown" ? undefined : await Job.fromId(this.queue, jobId);
    if (job) return this.fromQueue(job, raw);
    const done = await this.results.get(jobId);
    if (!done) throw new AppError(404, "JOB_NOT_FOUND", `Job "${jobId}" does not exist (completed jobs are kept for 24 hours)`);
    return {
      jobId,
      name: done.name,
      sessionId: done.sessionId,
      state: "completed",
      attemptsMade: done.attemptsMade,
      maxAttempts: done.maxAttempts,
      ...(done.redelivery !== undefined && { redelivery: done.redelivery }),
      result: done.result,
      createdAt: iso(done.createdAt) ?? "",
      processedAt: iso(done.processedAt),
      finishedAt: iso(done.finishedAt),
    };
  }

  private fromQueue(job: Job, raw: string): JobStatus {
    // Prioritised or parent-waiting jobs are, to an integrator, simply waiting.
    const state = raw === "completed" || raw === "failed" || raw === "active" || raw === "delayed" ? raw : "waiting";
    const data = job.data as { sessionId?: unknown } | null;
    const status: JobStatus = {
      jobId: job.id ?? "",
      name: job.name,
      sessionId: typeof data?.sessionId === "string" ? data.sessionId : null,
      state,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      createdAt: iso(job.timestamp) ?? "",
      processedAt: iso(job.processedOn),
      finishedAt: iso(job.finishedOn),
    };
    if (state === "completed") status.result = job.returnvalue;
    if (state === "failed") {
      status.failedReason = job.failedReason;
      status.failureCode = failureCode(job.failedReason);
    }
    if (state === "delayed") status.runAt = iso(job.timestamp + job.delay) ?? undefined;
    return status;
  }
}
