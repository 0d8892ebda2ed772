import { Elysia, t } from "elysia";
import { allowedSessions, requires } from "../http/auth.ts";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { AppError } from "../http/errors.ts";
import { accepted } from "../job-producer/accepted.ts";
import { CONTRACT_EXAMPLES } from "../contracts/jobs/index.ts";
import { jsonBody } from "../job-producer/http-body.ts";
import { AcceptedResponse, IdempotencyHeaders } from "../job-producer/model.ts";
import type { JobSubmitter } from "../job-producer/submitter.ts";
import { PairingCodeBody, QrResponse, SessionListQuery, SessionListResponse, SessionParams, SessionResponse, StartSessionBody } from "./model.ts";
import { qrDataUrl, qrPng, qrSvg } from "../platform/qr-code.ts";
import { MAX_METADATA_BYTES, type SessionService } from "./service.ts";
import { sessionView } from "./view.ts";
import { requireWebhookUrl, type WebhookUrlPolicy } from "../net/webhook-target-url.ts";

const enqueued = { 202: AcceptedResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const read = { 401: ErrorResponse, 404: ErrorResponse };
const NO_STORE = "no-store";

/** Sessions: start (create), list, inspect, QR, pairing code, stop, delete. */
export function sessionRoutes(opts: { sessions: SessionService; submitter: JobSubmitter; webhookUrls: WebhookUrlPolicy }) {
  const { sessions, submitter } = opts;
  return new Elysia({ prefix: "/api/v1/sessions", detail: { tags: ["Sessions"], ...requires("integrator", "sessions:read") } })
    .post(
      "",
      async ({ body, headers, set, status }) => {
        const { webhookUrl, metadata, ...data } = body;
        if (metadata !== undefined && Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
          throw new AppError(400, "VALIDATION_ERROR", `Invalid body.metadata: must be at most ${MAX_METADATA_BYTES} bytes of JSON`);
        }
        if (webhookUrl !== undefined) await requireWebhookUrl(webhookUrl, opts.webhookUrls, "body.webhookUrl");
        const s = await submitter.submit({
          name: "START_SESSION",
          data,
          idempotencyKey: headers["idempotency-key"],
          onAccept: () => sessions.prepareStart(data.sessionId, { webhookUrl, metadata }),
        });
        return status(202, accepted(set, s));
      },
      {
        ...jsonBody(StartSessionBody),
        headers: IdempotencyHeaders,
        response: enqueued,
        detail: {
          ...requires("integrator", "sessions:manage"),
          summary: "Create or start a session (START_SESSION)",
          description:
            "Creates the session if it is new (a deleted id starts over) and queues START_SESSION. Scan the QR from /qr (or /qr.png, /qr.svg), or pass phoneNumber to log in with a pairing code instead; status and webhooks report progress.",
        },
      },
    )
    .get(
      "",
      ({ query, request }) => {
        const page = Number(query.page ?? 1);
        const limit = Number(query.limit ?? 20);
        const ids = allowedSessions(request);
        const { rows, total } = sessions.list({ ...query, page, limit, ...(ids && { ids }) });
        const now = Date.now();
        return { success: true as const, data: rows.map((r) => sessionView(r, now)), pagination: { page, limit, total, totalPages: Math.ceil(total / limit) } };
      },
      { query: SessionListQuery, response: { 200: SessionListResponse, 401: ErrorResponse }, detail: { ...requires("integrator", "sessions:read", { filtersSessions: true }), summary: "List sessions, with filters and paging", description: "A key limited to some sessions sees only those." } },
    )
    .get("/:sessionId", ({ params }) => ({ success: true as const, data: sessionView(sessions.get(params.sessionId)) }), {
      params: SessionParams,
      response: { 200: SessionResponse, ...read },
      detail: { summary: "Get a session: status, phone number, owning worker, last error, timestamps" },
    })
    .get(
      "/:sessionId/qr",
      async ({ params, set }) => {
        const { qr, expiresAt } = sessions.qr(params.sessionId);
        set.headers["cache-control"] = NO_STORE;
        return { success: true as const, data: { sessionId: params.sessionId, qr, dataUrl: await qrDataUrl(qr), expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() } };
      },
      { params: SessionParams, response: { 200: QrResponse, ...read }, detail: { summary: "Get the pending QR code as JSON (raw string and PNG data URL)" } },
    )
    .get(
      "/:sessionId/qr.png",
      async ({ params }) => new Response(new Uint8Array(await qrPng(sessions.qr(params.sessionId).qr)), { headers: { "content-type": "image/png", "cache-control": NO_STORE } }),
      {
        params: SessionParams,
        response: { 200: t.File({ type: "image/png", description: "The QR code as a PNG image" }), ...read },
        detail: { summary: "Get the pending QR code as a PNG image" },
      },
    )
    .get(
      "/:sessionId/qr.svg",
      async ({ params }) => new Response(await qrSvg(sessions.qr(params.sessionId).qr), { headers: { "content-type": "image/svg+xml", "cache-control": NO_STORE } }),
      {
        params: SessionParams,
        response: { 200: t.String({ description: "The QR code as an SVG document" }), ...read },
        detail: { summary: "Get the pending QR code as an SVG image" },
      },
    )
    .post(
      "/:sessionId/pairing-code",
      async ({ params, body, headers, set, status }) => {
        const s = await submitter.submit({
          name: "START_SESSION",
          data: { sessionId: params.sessionId, ...body },
          idempotencyKey: headers["idempotency-key"],
          onAccept: () => {
            if (sessions.requireExisting(params.sessionId) === "connected") {
              throw new AppError(409, "SESSION_ALREADY_CONNECTED", `Session "${params.sessionId}" is already connected; delete it first to link another phone`);
            }
          },
        });
        return status(202, accepted(set, s));
      },
      {
        params: SessionParams,
        ...jsonBody(PairingCodeBody),
        headers: IdempotencyHeaders,
        response: enqueued,
        detail: {
          ...requires("integrator", "sessions:manage"),
          summary: "Log in with a pairing code instead of a QR (START_SESSION with phoneNumber)",
          description: "The code appears as pairingCode on GET /api/v1/sessions/{sessionId} and in the connection.update webhook; type it on the phone under Linked devices → Link with phone number.",
        },
      },
    )
    .post(
      "/:sessionId/stop",
      async ({ params, headers, set, status }) => {
        const s = await submitter.submit({
          name: "STOP_SESSION",
          data: { sessionId: params.sessionId },
          idempotencyKey: headers["idempotency-key"],
          onAccept: () => void sessions.requireExisting(params.sessionId),
        });
        return status(202, accepted(set, s));
      },
      { params: SessionParams, headers: IdempotencyHeaders, response: enqueued, detail: { ...requires("integrator", "sessions:manage"), summary: "Stop a session (STOP_SESSION): disconnect, keep its data" } },
    )
    .delete(
      "/:sessionId",
      async ({ params, headers, set, status }) => {
        const s = await submitter.submit({
          name: "DELETE_SESSION",
          data: { sessionId: params.sessionId },
          idempotencyKey: headers["idempotency-key"],
          onAccept: () => {
            sessions.requireExisting(params.sessionId);
            sessions.markDeleted(params.sessionId);
          },
        });
        return status(202, accepted(set, s));
      },
      {
        params: SessionParams,
        headers: IdempotencyHeaders,
        response: enqueued,
        detail: { ...requires("integrator", "sessions:manage"), summary: "Delete a session (DELETE_SESSION): log out and delete its data for good", description: `Example job: ${JSON.stringify(CONTRACT_EXAMPLES.DELETE_SESSION)}` },
      },
    );
}
