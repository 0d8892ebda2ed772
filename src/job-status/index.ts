import { Elysia, t } from "elysia";
import { allowedSessions, requires } from "../http/auth.ts";
import { AppError } from "../http/errors.ts";
import { ErrorResponse, JobStatusResponse } from "../job-producer/model.ts";
import type { JobStatusService } from "./service.ts";

/** GET /api/v1/jobs/{jobId}: follow a job the API (or anyone) enqueued. */
export function jobRoutes(opts: { jobs: JobStatusService }) {
  return new Elysia({ prefix: "/api/v1", detail: { tags: ["Jobs"], ...requires("integrator", "sessions:read", { filtersSessions: true }) } })
    .get(
      "/jobs/:jobId",
      async ({ params, request }) => {
        const job = await opts.jobs.get(params.jobId);
        // A key limited to some sessions sees only their jobs; another session's job is as absent as a missing one.
        const allowed = allowedSessions(request);
        if (allowed && (job.sessionId === undefined || job.sessionId === null || !allowed.includes(job.sessionId))) throw new AppError(404, "JOB_NOT_FOUND", `No job ${params.jobId}`);
        return { success: true as const, data: job };
      },
      {
        params: t.Object({ jobId: t.String({ minLength: 1, maxLength: 128, examples: ["0193a5c2-7f1e-7c3a-9d2b-4f6e8a1b2c3d"] }) }),
        response: { 200: JobStatusResponse, 401: ErrorResponse, 404: ErrorResponse },
        detail: {
          summary: "Get a job's state",
          description:
            "State (waiting, active, delayed, completed, failed), attempts, the result or the failure reason, and timestamps. Works for jobs added by any producer; completed jobs can be looked up for 24 hours. A key limited to some sessions sees only their jobs.",
        },
      },
    );
}
