import { formatFailure, JOB_FAILURES, type JobFailureCode } from "./index.ts";

/**
 * An executor's way to fail a job with one of contract B's failure codes. The
 * code decides whether the remaining attempts are skipped (see JOB_FAILURES).
 */
export class JobFailure extends Error {
  readonly permanent: boolean;

  constructor(
    readonly code: JobFailureCode,
    detail: string,
  ) {
    super(formatFailure(code, detail));
    this.permanent = JOB_FAILURES[code].permanent;
  }
}
