import { Elysia } from "elysia";
import { requires } from "../../http/auth.ts";
import { ErrorResponse } from "../../contracts/worker-api/error.ts";
import { WorkerParams, errorResponses } from "../../contracts/worker-api/common.ts";
import type { WorkerRegistry } from "../workers/service.ts";
import { DrainResponse, MetricsPageResponse, MetricsQuery, WorkerDetailResponse, WorkerListResponse } from "./model.ts";
import type { WorkerReads } from "./service.ts";

const AUTH = "Requires the integrator API key (`Authorization: Bearer <API_KEY>` or `X-API-Key`); the worker token is refused.";
const responses = { 404: ErrorResponse, 409: ErrorResponse, ...errorResponses };

/** Operator views of the registry, on the integrator API key. */
export function operatorRoutes(reads: WorkerReads, registry: WorkerRegistry) {
  return new Elysia({ prefix: "/api/v1/workers", detail: { tags: ["Workers"], ...requires("integrator") } })
    .get("", () => ({ success: true as const, data: reads.list() }), {
      response: { 200: WorkerListResponse, ...errorResponses },
      detail: { summary: "List workers", description: `${AUTH} Live status, sessions, last metrics and seconds since the last heartbeat of every worker.` },
    })
    .get("/:workerId", ({ params }) => ({ success: true as const, data: reads.get(params.workerId) }), {
      params: WorkerParams,
      response: { 200: WorkerDetailResponse, ...responses },
      detail: { summary: "One worker", description: `${AUTH} Also lists its sessions and the commands it has not acknowledged.` },
    })
    .get(
      "/:workerId/metrics",
      ({ params, query }) => {
        const { rows, limit, nextCursor } = reads.metrics(params.workerId, query);
        return { success: true as const, data: rows, page: { limit, nextCursor } };
      },
      {
        params: WorkerParams,
        query: MetricsQuery,
        response: { 200: MetricsPageResponse, ...responses },
        detail: { summary: "A worker's heartbeat metrics", description: `${AUTH} Oldest first, paged: pass page.nextCursor as cursor for the next page. Older rows are 5-minute averages.` },
      },
    )
    .post(
      "/:workerId/drain",
      ({ params, set }) => {
        set.status = 202;
        return { success: true as const, data: { command: registry.drain(params.workerId) } };
      },
      {
        params: WorkerParams,
        response: { 202: DrainResponse, ...responses },
        detail: {
          summary: "Drain a worker",
          description: `${AUTH} The worker goes to MAINTENANCE at once: its sessions move to other workers (those that fit nowhere stay until room appears), and a DRAIN command tells it to take no new ones. Undo with /undrain.`,
        },
      },
    )
    .post(
      "/:workerId/undrain",
      ({ params, set }) => {
        set.status = 202;
        return { success: true as const, data: { command: registry.undrain(params.workerId) } };
      },
      {
        params: WorkerParams,
        response: { 202: DrainResponse, ...responses },
        detail: { summary: "Undrain a worker", description: `${AUTH} Ends a drain: the worker is ONLINE again and takes sessions; rebalancing moves some back to it gradually.` },
      },
    );
}
