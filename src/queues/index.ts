import { Elysia } from "elysia";
import { requires } from "../http/auth.ts";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { FailedJobsResponse, FailedQuery, QueueActionResponse, QueueCountsResponse, QueueJobParams, QueueParams } from "./model.ts";
import type { QueueOverview } from "./service.ts";

const AUTH = "Requires the integrator API key (`Authorization: Bearer <API_KEY>` or `X-API-Key`).";
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/** Operator views of the BullMQ queues: counts, failed jobs with their reasons, retry and remove. */
export function queueRoutes(opts: { overview: QueueOverview }) {
  const { overview } = opts;
  return new Elysia({ prefix: "/api/v1/queues", detail: { tags: ["Queues"], ...requires("integrator") } })
    .get("", async () => ({ success: true as const, data: await overview.counts() }), {
      response: { 200: QueueCountsResponse, ...errors },
      detail: { summary: "Queue counts", description: `${AUTH} Waiting, active, delayed, failed and completed jobs of whatsapp-jobs and of the webhook delivery queue.` },
    })
    .get("/:queue/failed", async ({ params, query }) => ({ success: true as const, data: await overview.failed(params.queue, Number(query.limit ?? 50)) }), {
      params: QueueParams,
      query: FailedQuery,
      response: { 200: FailedJobsResponse, ...errors },
      detail: { summary: "Failed jobs", description: `${AUTH} The newest failed jobs of a queue with their reasons.` },
    })
    .post(
      "/:queue/jobs/:jobId/retry",
      async ({ params }) => {
        await overview.retry(params.queue, params.jobId);
        return { success: true as const, data: { jobId: params.jobId, action: "retried" as const } };
      },
      {
        params: QueueJobParams,
        response: { 200: QueueActionResponse, ...errors },
        detail: { summary: "Retry a failed job", description: `${AUTH} Moves a failed job back to waiting with a fresh set of attempts. 409 if it has not failed.` },
      },
    )
    .delete(
      "/:queue/jobs/:jobId",
      async ({ params }) => {
        await overview.remove(params.queue, params.jobId);
        return { success: true as const, data: { jobId: params.jobId, action: "removed" as const } };
      },
      {
        params: QueueJobParams,
        response: { 200: QueueActionResponse, ...errors },
        detail: { summary: "Remove a job", description: `${AUTH} Deletes a job that is not running (typically a failed one). 409 while it runs.` },
      },
    );
}
