import type { JobData, JobName, JobResult } from "../contracts/jobs/index.ts";

/** What an executor knows about the job it runs, besides its data. */
export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** When the producer added the job, unix ms. */
  enqueuedAt: number;
  /** Above 0 when this attempt was handed to this worker again after the one running it died: it may have run already. */
  redelivery: number;
}

/**
 * What the worker implements: one handler per contract B job. A handler gets
 * data that already passed the contract check (cleaned, phone numbers turned
 * into JIDs, media vetted) and returns the job's result. To fail, it throws a
 * JobFailure (failure.ts) with a contract failure code; anything else it throws
 * counts as a retryable failure with the error's message as the reason.
 */
export type JobExecutor = { [N in JobName]: (data: JobData<N>, ctx: JobContext) => Promise<JobResult<N>> };
