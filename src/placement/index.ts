import { Elysia } from "elysia";
import { requires } from "../http/auth.ts";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { errorResponses } from "../contracts/worker-api/common.ts";
import { SessionParams } from "../sessions/model.ts";
import { HistoryQuery, HistoryResponse, MoveBody, MoveResponse, PlacementMapResponse } from "./model.ts";
import type { PlacementService, WorkerDirectory } from "./service.ts";

const AUTH = "Requires the integrator API key (`Authorization: Bearer <API_KEY>` or `X-API-Key`).";

/** The operator's view of placement: where sessions live, how they got there, and moving one by hand. */
export function placementRoutes(placement: PlacementService, workers: WorkerDirectory) {
  return new Elysia({ detail: { tags: ["Placement"], ...requires("integrator") } })
    .get(
      "/api/v1/placements",
      () => ({
        success: true as const,
        data: {
          workers: workers
            .all()
            .sort((a, b) => a.id.localeCompare(b.id))
            .map((w) => ({ workerId: w.id, status: w.status, maxSessions: w.maxSessions, sessions: placement.sessionsOn(w.id).sort() })),
          pending: placement.pendingSessions(),
        },
      }),
      {
        response: { 200: PlacementMapResponse, ...errorResponses },
        detail: { summary: "Where each session lives", description: `${AUTH} Every worker with the sessions placed on it, and the sessions waiting for room.` },
      },
    )
    .get(
      "/api/v1/placements/history",
      ({ query }) => ({
        success: true as const,
        data: placement
          .history({ ...(query.sessionId && { sessionId: query.sessionId }), ...(query.before && { before: Date.parse(query.before) }), limit: query.limit ? Number(query.limit) : 100 })
          .map((r) => ({ sessionId: r.sessionId, from: r.fromWorker, to: r.toWorker, reason: r.reason, at: new Date(r.at).toISOString() })),
      }),
      {
        query: HistoryQuery,
        response: { 200: HistoryResponse, ...errorResponses },
        detail: { summary: "Placement history", description: `${AUTH} Every placement decision, newest first: where a session went, from where, and why.` },
      },
    )
    .post(
      "/api/v1/sessions/:sessionId/move",
      async ({ params, body, set }) => {
        const from = placement.where(params.sessionId) ?? "";
        const to = await placement.move(params.sessionId, body?.workerId, "move");
        set.status = 202;
        return { success: true as const, data: { sessionId: params.sessionId, from, to } };
      },
      {
        params: SessionParams,
        body: MoveBody,
        response: { 202: MoveResponse, 404: ErrorResponse, 409: ErrorResponse, ...errorResponses },
        detail: {
          summary: "Move a session to another worker",
          description: `${AUTH} To \`workerId\`, or to the least loaded other worker. The old worker closes the socket and lets go of the session's lease; the new one takes it over from the shared auth state, without a QR, usually within a second. 409 if the session runs nowhere or the target takes no sessions.`,
        },
      },
    );
}
