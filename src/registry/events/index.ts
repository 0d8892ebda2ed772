import { Elysia } from "elysia";
import { requires } from "../../http/auth.ts";
import { strictBody } from "../../http/strict-body.ts";
import { ErrorResponse } from "../../contracts/worker-api/error.ts";
import { WorkerParams, errorResponses } from "../../contracts/worker-api/common.ts";
import { EventReceived, MessageStatusBody, MessageStatusUpdated, SessionStatusBody, SessionStatusUpdated, WorkerEventBody } from "../../contracts/worker-api/events.ts";
import type { EventService } from "./service.ts";

const AUTH = "Requires `Authorization: Bearer <BACKEND_AUTH_TOKEN>`.";
const responses = { 404: ErrorResponse, ...errorResponses };

/** Contract A's event endpoint and its two webhooks, on the worker token. */
export function eventRoutes(events: EventService) {
  return new Elysia({ prefix: "/api/v1", detail: { tags: ["Worker API (contract A)"], ...requires("worker") } })
    .post(
      "/workers/:workerId/events",
      ({ params, body }) => {
        events.receiveWorkerEvent(params.workerId, body);
        return { success: true as const, message: "Event received" as const };
      },
      {
        params: WorkerParams,
        body: WorkerEventBody,
        transform: strictBody(WorkerEventBody),
        response: { 200: EventReceived, ...responses },
        detail: {
          summary: "Report an event",
          description:
            `${AUTH} Every event is stored. Session events (which need sessionId) update the session; message events (data.messageId) ` +
            "update the message's status. Unknown event names are stored and otherwise ignored.",
        },
      },
    )
    .post(
      "/webhooks/session-status",
      ({ body }) => {
        events.receiveSessionStatus(body);
        return { success: true as const, message: "Session status updated" as const };
      },
      {
        body: SessionStatusBody,
        transform: strictBody(SessionStatusBody),
        response: { 200: SessionStatusUpdated, ...responses },
        detail: { summary: "Session status (QR codes, connection status)", description: `${AUTH} Stores the event and updates the session's status, phone, QR code and owner.` },
      },
    )
    .post(
      "/webhooks/message-status",
      ({ body }) => {
        events.receiveMessageStatus(body);
        return { success: true as const, message: "Message status updated" as const };
      },
      {
        body: MessageStatusBody,
        transform: strictBody(MessageStatusBody),
        response: { 200: MessageStatusUpdated, ...responses },
        detail: { summary: "Message delivery status", description: `${AUTH} Stores the event and records the message's status, which only moves forward.` },
      },
    );
}
