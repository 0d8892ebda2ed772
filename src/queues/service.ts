import type { Job, Queue } from "bullmq";
import { AppError } from "../http/errors.ts";

/** The queues an operator can look into, by the name the API shows (the delivery queue's real name carries the instance id). */
type QueueKey = "whatsapp-jobs" | "webhook-deliveries";
const QUEUE_KEYS: readonly QueueKey[] = ["whatsapp-jobs", "webhook-deliveries"];

interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

interface FailedJob {
  jobId: string;
  name: string;
  sessionId: string | null;
  failedReason: string;
  attemptsMade: number;
  createdAt: string;
  finishedAt: string | null;
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

/** Counts, failed jobs, retry and remove over BullMQ's Queue API, for the dashboard and operators. */
export class QueueOverview {
  constructor(private readonly queues: Record<QueueKey, Queue>) {}

  async counts(): Promise<{ name: QueueKey; counts: QueueCounts }[]> {
    return await Promise.all(
      QUEUE_KEYS.map(async (name) => {
        // Prioritized jobs sit in their own list; to an operator they are waiting too.
        const c = await this.queues[name].getJobCounts("waiting", "prioritized", "active", "delayed", "failed", "completed");
        const n = (k: string) => c[k] ?? 0;
        return { name, counts: { waiting: n("waiting") + n("prioritized"), active: n("active"), delayed: n("delayed"), failed: n("failed"), completed: n("completed") } };
      }),
    );
  }

  /** Newest failures first. */
  async failed(name: QueueKey, limit: number): Promise<FailedJob[]> {
    const jobs = await this.queues[name].getFailed(0, limit - 1);
    return jobs.map((job) => ({
      jobId: String(job.id),
      name: job.name,
      sessionId: sessionOf(job),
      failedReason: job.failedReason || "(no reason recorded)",
      attemptsMade: job.attemptsMade,
      createdAt: new Date(job.timestamp).toISOString(),
      finishedAt: iso(job.finishedOn),
    }));
  }

  /** Puts a failed job back in the waiting list; it runs again with a fresh set of attempts. */
  async retry(name: QueueKey, jobId: string): Promise<void> {
    const job = await this.failedJob(name, jobId);
    await job.retry("failed");
  }

  async remove(name: QueueKey, jobId: string): Promise<void> {
    const job = await this.queues[name].getJob(jobId);
    if (!job) throw new AppError(404, "JOB_NOT_FOUND", `Job "${jobId}" is not in ${name}`);
    // A locked (running) job cannot be removed; BullMQ throws, which is the operator's answer too.
    const state = await job.getState();
    if (state === "active") throw new AppError(409, "JOB_ACTIVE", `Job "${jobId}" is running and cannot be removed`);
    await job.remove();
  }

  private async failedJob(name: QueueKey, jobId: string): Promise<Job> {
    const job = await this.queues[name].getJob(jobId);
    if (!job) throw new AppError(404, "JOB_NOT_FOUND", `Job "${jobId}" is not in ${name}`);
    if ((await job.getState()) !== "failed") throw new AppError(409, "JOB_NOT_FAILED", `Job "${jobId}" has not failed; only failed jobs can be retried`);
    return job;
  }
}

function sessionOf(job: Job): string | null {
  const data: unknown = job.data;
  if (typeof data === "object" && data !== null && "sessionId" in data && typeof data.sessionId === "string") return data.sessionId;
  return null;
}
