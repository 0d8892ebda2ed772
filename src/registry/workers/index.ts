import { Elysia } from "elysia";
import { requires } from "../../http/auth.ts";
import { strictBody } from "../../http/strict-body.ts";
import { ErrorResponse } from "../../contracts/worker-api/error.ts";
import { WorkerParams, errorResponses } from "../../contracts/worker-api/common.ts";
import { HeartbeatBody, HeartbeatResponse, RegisterBody, RegisterResponse, UnregisterResponse } from "../../contracts/worker-api/workers.ts";
import type { WorkerRegistry } from "./service.ts";

const AUTH = "Requires `Authorization: Bearer <BACKEND_AUTH_TOKEN>`.";

/** Contract A's worker lifecycle endpoints, on the worker token. */
export function workerRoutes(registry: WorkerRegistry) {
  return new Elysia({ prefix: "/api/v1/workers", detail: { tags: ["Worker API (contract A)"], ...requires("worker") } })
    .post(
      "/register",
      ({ body }) => ({
        success: true as const,
        data: { workerId: body.workerId, status: "registered" as const, assignedSessions: registry.register(body).assignedSessions, message: "Worker registered successfully" as const },
      }),
      {
        body: RegisterBody,
        transform: strictBody(RegisterBody),
        response: { 200: RegisterResponse, 409: ErrorResponse, ...errorResponses },
        detail: {
          summary: "Register a worker",
          description:
            `${AUTH} A new workerId is stored; a known one registering again (a restart) is updated and told its assignedSessions. ` +
            "409 WORKER_CONFLICT if another worker that is not OFFLINE holds the endpoint; an OFFLINE holder's endpoint is taken over.",
        },
      },
    )
    .put(
      "/:workerId/heartbeat",
      ({ params, body }) => ({
        success: true as const,
        data: { workerId: params.workerId, status: "acknowledged" as const, commands: registry.heartbeat(params.workerId, body) },
      }),
      {
        params: WorkerParams,
        body: HeartbeatBody,
        transform: strictBody(HeartbeatBody),
        response: { 200: HeartbeatResponse, 404: ErrorResponse, ...errorResponses },
        detail: {
          summary: "Heartbeat",
          description:
            `${AUTH} Updates the worker's status, session count and last heartbeat, stores the metrics, and returns pending commands. ` +
            "A worker silent for HEARTBEAT_TIMEOUT is marked OFFLINE. 404 WORKER_NOT_FOUND if it is not registered (register again).",
        },
      },
    )
    .delete(
      "/:workerId",
      ({ params }) => {
        registry.unregister(params.workerId);
        return { success: true as const, message: "Worker unregistered successfully" as const };
      },
      {
        params: WorkerParams,
        response: { 200: UnregisterResponse, 404: ErrorResponse, ...errorResponses },
        detail: { summary: "Unregister a worker", description: `${AUTH} Marks it OFFLINE (reason: unregistered); its heartbeats get 404 until it registers again.` },
      },
    );
}
