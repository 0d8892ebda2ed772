import type { Submitted } from "./submitter.ts";

/**
 * The 202 every enqueueing route answers. `Location` points at the job; a
 * replayed Idempotency-Key is flagged so a client can tell it apart.
 */
export function accepted(set: { headers: Record<string, unknown> }, s: Submitted) {
  const statusUrl = `/api/v1/jobs/${encodeURIComponent(s.jobId)}`;
  set.headers.location = statusUrl;
  if (s.replayed) set.headers["idempotent-replayed"] = "true";
  return { success: true as const, data: { jobId: s.jobId, jobName: s.job.name, sessionId: s.job.data.sessionId, statusUrl } };
}
