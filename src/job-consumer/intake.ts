import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { isRoutedJobData } from "../cluster/routed-job.ts";
import { checkMedia, type MediaPolicy } from "../media/policy.ts";
import type { Logger } from "../platform/logger.ts";
import { checkJob, formatFailure, MESSAGE_JOBS, type ContractJob } from "../contracts/jobs/index.ts";
import type { JobContext, JobExecutor } from "./executor.ts";
import { JobFailure } from "../contracts/jobs/job-failure.ts";
import type { SessionRateLimiter } from "./rate-limit.ts";
import type { JobResultStore } from "./result-store.ts";

interface IntakeDeps {
  executor: JobExecutor;
  results: JobResultStore;
  media: MediaPolicy;
  /** Absent when RATE_LIMIT_PER_MINUTE is 0. */
  rateLimiter?: SessionRateLimiter;
  log: Logger;
}

/** The job as the intake sees it: a `whatsapp-jobs` job, or the router's copy of one on a worker's queue. */
interface IntakeJob {
  name: string;
  data: unknown;
  ctx: JobContext;
}

function describe(job: Job): IntakeJob {
  const d: unknown = job.data;
  if (isRoutedJobData(d)) {
    return { name: job.name, data: d.payload, ctx: { jobId: d.parentId, attempt: d.attempt, maxAttempts: d.maxAttempts, enqueuedAt: d.enqueuedAt, redelivery: d.redelivery } };
  }
  return { name: job.name, data: d, ctx: { jobId: job.id ?? "", attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1, enqueuedAt: job.timestamp, redelivery: 0 } };
}

/**
 * Checks a job against contract B. A bad one fails at once and for good
 * (UnrecoverableError: no retries) with a reason naming the field.
 */
export function admit(name: string, data: unknown, jobId: string | undefined, log: Logger): ContractJob {
  const checked = checkJob(name, data);
  if (checked.ok) return checked.job;
  const { field, message } = checked.issue;
  const reason = checked.unknownName ? formatFailure("UNKNOWN_JOB", message) : formatFailure("INVALID_PAYLOAD", `${field ? `data.${field}` : "data"}: ${message}`);
  log.warn({ jobId, name, reason }, "refused a job that breaks contract B");
  throw new UnrecoverableError(reason);
}

/**
 * The processor a BullMQ Worker on `whatsapp-jobs` runs: the first thing every
 * job meets, whoever added it. It checks the name and payload against contract
 * B and fails a bad job at once and for good (UnrecoverableError, so no
 * retries; `removeOnFail: false` keeps it visible) with a reason naming the
 * field. It vets media, applies the per-session rate limit, then hands the
 * cleaned job to the executor and keeps its result (contract B removes
 * completed jobs, and their results with them).
 */
export function createJobProcessor(deps: IntakeDeps) {
  return async (job: Job, token?: string): Promise<unknown> => {
    const { name, data, ctx } = describe(job);
    const valid = admit(name, data, ctx.jobId, deps.log);
    if (valid.name === "SEND_MEDIA") await vetMedia(valid.data.media, deps.media);

    const jobId = ctx.jobId;
    if (deps.rateLimiter && MESSAGE_JOBS.has(valid.name)) {
      const wait = await deps.rateLimiter.reserve(valid.data.sessionId, jobId);
      if (wait > 0) {
        await job.moveToDelayed(Date.now() + wait, token);
        // Tells BullMQ the job was rescheduled, not failed: no attempt is used up.
        throw new DelayedError();
      }
    }

    const result = await execute(deps.executor, valid, ctx);
    const outcome = {
      name: valid.name,
      sessionId: valid.data.sessionId,
      result,
      attemptsMade: ctx.attempt,
      maxAttempts: ctx.maxAttempts,
      redelivery: ctx.redelivery,
      createdAt: ctx.enqueuedAt,
      processedAt: job.processedOn ?? null,
      finishedAt: Date.now(),
    };
    // The work is done: failing the job now would retry it and send the message twice.
    await deps.results.save(jobId, outcome).catch((err: unknown) => deps.log.warn({ err, jobId }, "could not keep the job's result; the job still completes"));
    return result;
  };
}

async function vetMedia(media: string, policy: MediaPolicy): Promise<void> {
  const problem = await checkMedia(media, policy);
  if (!problem) return;
  // A name that does not resolve may be a DNS hiccup: worth the retries. The rest will not change.
  if (problem.code === "MEDIA_URL_UNRESOLVABLE") throw new Error(formatFailure("MEDIA_FETCH_FAILED", `data.media: ${problem.message}`));
  throw new UnrecoverableError(formatFailure(problem.code, `data.media: ${problem.message}`));
}

async function execute(executor: JobExecutor, job: ContractJob, ctx: JobContext): Promise<unknown> {
  // TypeScript cannot correlate the handler with the data across the union; checkJob paired them.
  const handler = executor[job.name] as (data: ContractJob["data"], ctx: JobContext) => Promise<unknown>;
  try {
    return await handler(job.data, ctx);
  } catch (err) {
    if (err instanceof JobFailure && err.permanent) throw new UnrecoverableError(err.message);
    throw err;
  }
}
