import { AppError } from "../http/errors.ts";
import { checkMedia, type MediaPolicy } from "../media/policy.ts";
import { checkJob, type ContractJob, type JobName } from "../contracts/jobs/index.ts";
import { fingerprint, type IdempotencyStore } from "./idempotency.ts";
import type { JobProducer } from "./producer.ts";

interface Submission {
  name: JobName;
  /** The full contract B payload (the API adds the path's sessionId to the body). */
  data: unknown;
  idempotencyKey?: string;
  /**
   * Runs when the request is new (not on a replay or a conflict), just before
   * the job is added: checks against the database (the session exists) and
   * writes that belong to the request (create the session row). If it throws,
   * nothing is enqueued and the Idempotency-Key is released. It runs after the
   * idempotency lookup so that a retried DELETE still gets its first answer.
   */
  onAccept?: (job: ContractJob) => void;
}

export interface Submitted {
  jobId: string;
  /** True when an Idempotency-Key matched an earlier request: nothing new was enqueued. */
  replayed: boolean;
  job: ContractJob;
}

/**
 * The API's single way into the queue: contract check and normalisation, media
 * vetting, idempotency, then the enqueue with contract B's default options.
 * Errors are AppErrors in the integrator's terms (body fields, 400/409/413).
 */
export class JobSubmitter {
  constructor(
    private readonly deps: { producer: JobProducer; idempotency: IdempotencyStore; media: MediaPolicy },
  ) {}

  async submit(s: Submission): Promise<Submitted> {
    const checked = checkJob(s.name, s.data);
    if (!checked.ok) {
      const field = checked.issue.field ? `body.${checked.issue.field}` : "body";
      throw new AppError(400, "VALIDATION_ERROR", `Invalid ${field}: ${checked.issue.message}`);
    }
    const { job } = checked;
    if (job.name === "SEND_MEDIA") {
      const problem = await checkMedia(job.data.media, this.deps.media);
      if (problem) throw new AppError(problem.code === "MEDIA_TOO_LARGE" ? 413 : 400, problem.code, `Invalid body.media: ${problem.message}`);
    }

    const jobId = Bun.randomUUIDv7();
    if (s.idempotencyKey !== undefined) {
      const claim = await this.deps.idempotency.claim(s.idempotencyKey, fingerprint(job.name, job.data), jobId);
      if (claim.status === "replay") return { jobId: claim.jobId, replayed: true, job };
      if (claim.status === "conflict") {
        throw new AppError(409, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request in the last 24 hours");
      }
    }
    try {
      s.onAccept?.(job);
      await this.deps.producer.add(job, jobId);
    } catch (err) {
      // The enqueue error is the one worth reporting; a failed release only means the key stays claimed for 24 h.
      if (s.idempotencyKey !== undefined) await this.deps.idempotency.release(s.idempotencyKey).catch(() => undefined);
      throw err;
    }
    return { jobId, replayed: false, job };
  }
}
