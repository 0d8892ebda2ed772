import { Elysia, t } from "elysia";
import { requires } from "../http/auth.ts";
import { ErrorResponse, JobStatusResponse } from "../job-producer/model.ts";
import type { JobStatusService } from "./service.ts";

/** GET /api/v1/jobs/{jobId}: follow a job the API (or anyone) enqueued. */
export function jobRoutes(opts: { jobs: JobStatusService }) {
  return new Elysia({ prefix: "/api/v1", detail: { tags: ["Jobs"], ...requires("integrator") } })
    .get("/jobs/:jobId", async ({ params }) => ({ success: true as const, data: await opts.jobs.get(params.jobId) }), {
      params: t.Object({ jobId: t.String({ minLength: 1, maxLength: 128, examples: ["0193a5c2-7f1e-7c3a-9d2b-4f6e8a1b2c3d"] }) }),
      response: { 200: JobStatusResponse, 401: ErrorResponse, 404: ErrorResponse },
      detail: {
        summary: "Get a job's state",
        description:
          "State (waiting, active, delayed, completed, failed), attempts, the result or the failure reason, and timestamps. Works for jobs added by any producer; completed jobs can be looked up for 24 hours.",
      },
    });
}
