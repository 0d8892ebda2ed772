import { Elysia, t } from "elysia";
import { requires } from "../http/auth.ts";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { AppError } from "../http/errors.ts";
import type { EventLedgerStore } from "../registry/events/event-ledger-store.ts";
import { toEnvelope } from "./envelope.ts";
import { EVENT_TYPES_DOC, EventPageQuery, EventPageResponse, EventStreamQuery } from "./model.ts";
import { parseTypes, type EventReads } from "./service.ts";
import { eventStream } from "./stream.ts";

const AUTH = "Requires the integrator API key (`Authorization: Bearer <API_KEY>` or `X-API-Key`).";
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

/** The ledger for integrators: paged replay to catch up, and a live Server-Sent Events stream. */
export function eventFeedRoutes(opts: { reads: EventReads; ledger: EventLedgerStore }) {
  const { reads } = opts;
  return new Elysia({ prefix: "/api/v1/events", detail: { tags: ["Events"], ...requires("integrator", "sessions:read") } })
    .get(
      "",
      ({ query }) => {
        const limit = Number(query.limit ?? 100);
        if (query.afterSequence !== undefined && query.sessionId === undefined) {
          throw new AppError(400, "VALIDATION_ERROR", "Invalid query.afterSequence: sequences count per session, so it needs sessionId");
        }
        const rows = reads.read({
          sessionId: query.sessionId,
          types: parseTypes(query.type),
          afterSequence: query.afterSequence === undefined ? undefined : Number(query.afterSequence),
          afterPosition: query.after === undefined ? undefined : reads.positionOf(query.after),
          limit: limit + 1,
        });
        const page = rows.slice(0, limit);
        return { success: true as const, data: page.map(toEnvelope), page: { limit, hasMore: rows.length > limit, next: page.at(-1)?.eventId ?? query.after ?? null } };
      },
      {
        query: EventPageQuery,
        response: { 200: EventPageResponse, ...errors },
        detail: {
          summary: "Replay stored events (catch up after downtime)",
          description:
            `${AUTH} Oldest first. Catch up on one session with \`sessionId\` and \`afterSequence\` (the last sequence you processed), ` +
            "or on everything with `after` (the last eventId you processed; `page.next` is the value for the next page). Events are kept for EVENT_RETENTION (7 days by default).\n\n" +
            EVENT_TYPES_DOC,
        },
      },
    )
    .get(
      "/stream",
      ({ query, headers, request }) => {
        const resumeFrom = headers["last-event-id"] || query.after;
        const afterPosition = resumeFrom ? reads.positionOf(resumeFrom) : reads.head();
        const body = eventStream(opts, { sessionId: query.sessionId, types: parseTypes(query.type) }, afterPosition, request.signal);
        return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" } });
      },
      {
        query: EventStreamQuery,
        headers: t.Object({ "last-event-id": t.Optional(t.String({ maxLength: 64, description: "Resume after this eventId (EventSource sends it when it reconnects)" })) }),
        response: { 200: t.String({ description: "text/event-stream: one `id: <eventId>` + `data: <event JSON>` frame per event" }), ...errors },
        detail: {
          summary: "Live event stream (Server-Sent Events)",
          description:
            `${AUTH} Each event arrives as soon as it is stored, as a frame whose \`data\` is the same JSON a webhook receives and whose \`id\` is its eventId. ` +
            "Without Last-Event-ID (or `after`) it starts with the next event; with one, it first replays what was stored after that event, so a reconnecting client misses nothing. " +
            "Filter with `sessionId` and `type` (comma-separated). A comment line every 5 s keeps idle connections open.",
        },
      },
    );
}
