import { Elysia, t } from "elysia";
import { ErrorResponse } from "../../contracts/worker-api/error.ts";
import { requires } from "../../http/auth.ts";
import { strictBody } from "../../http/strict-body.ts";
import type { DeadLetter, DeadLetters } from "../../worker/reporting/dead-letters.ts";

const DeadQuery = t.Object({
  offset: t.Optional(t.String({ pattern: "^(0|[1-9][0-9]{0,8})$", error: "must be an integer from 0", default: "0" })),
  limit: t.Optional(t.String({ pattern: "^([1-9][0-9]{0,2}|1000)$", error: "must be an integer from 1 to 1000", default: "100" })),
});

const DeadWebhookView = t.Object({
  eventId: t.Nullable(t.String({ description: "The webhook's eventId; redeliver by it" })),
  event: t.Nullable(t.String({ examples: ["messages.upsert"] })),
  sessionId: t.Nullable(t.String()),
  reason: t.UnionEnum(["rejected", "expired", "unreadable"], {
    default: undefined,
    description:
      "rejected: the receiver answered 4xx (but 408 and 429); expired: it failed until WEBHOOK_RETRY_HORIZON; unreadable: it cannot be opened (sealed under another AUTH_STATE_KEY)",
  }),
  detail: t.Nullable(t.String({ examples: ["HTTP 413: payload too large"] })),
  deadAt: t.Nullable(t.String({ format: "date-time" })),
  webhook: t.Nullable(t.Record(t.String(), t.Unknown(), { description: "The webhook as it is posted: contract B's envelope plus eventId and workerId" })),
});

const DeadListResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(DeadWebhookView),
  page: t.Object({ offset: t.Integer(), limit: t.Integer(), total: t.Integer({ description: "Items in the dead list" }) }),
});

const RedeliverDeadBody = t.Object(
  { eventIds: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 10_000, description: "Only these; left out: every readable item" })) },
  { examples: [{}, { eventIds: ["0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70"] }] },
);

const RedeliverDeadResponse = t.Object({ success: t.Literal(true), data: t.Object({ queued: t.Integer({ description: "How many webhooks were queued again" }) }) });

/** Redelivers at most this many in one call, so a call ends in reasonable time. */
const REDELIVER_LIMIT = 100_000;

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

function view(letter: DeadLetter): typeof DeadWebhookView.static {
  const { item } = letter;
  return {
    eventId: text(item?.eventId),
    event: text(item?.event),
    sessionId: text(item?.sessionId),
    reason: letter.reason,
    detail: letter.detail ?? null,
    deadAt: letter.at === undefined ? null : new Date(letter.at).toISOString(),
    webhook: item ?? null,
  };
}

/**
 * A standalone worker's dead webhooks (it has no coordinator, whose delivery log does this): what
 * WEBHOOK_URL refused or failed to take until the retry horizon, to read and, once the receiver is
 * fixed, redeliver. The admin API_KEY opens it; without one it answers 401.
 */
export function deadWebhookRoutes(dead: DeadLetters) {
  return new Elysia({ prefix: "/api/v1", detail: { tags: ["Webhooks"], ...requires("integrator", "webhooks:manage") } })
    .get(
      "/webhooks/dead",
      async ({ query }) => {
        const offset = Number(query.offset ?? 0);
        const limit = Number(query.limit ?? 100);
        const [letters, total] = await Promise.all([dead.list(offset, limit), dead.count()]);
        return { success: true as const, data: letters.map(view), page: { offset, limit, total } };
      },
      {
        query: DeadQuery,
        response: { 200: DeadListResponse, 400: ErrorResponse, 401: ErrorResponse },
        detail: {
          summary: "List the dead webhooks (standalone worker)",
          description: "Oldest first. A webhook goes here when WEBHOOK_URL answers 4xx (but 408 and 429), or when it fails for WEBHOOK_RETRY_HORIZON; the session's later webhooks are not held behind it.",
        },
      },
    )
    .post(
      "/webhooks/dead/redeliver",
      async ({ body, status }) => {
        const wanted = body.eventIds && new Set(body.eventIds);
        const queued = await dead.redeliver((item) => !wanted || (typeof item.eventId === "string" && wanted.has(item.eventId)), REDELIVER_LIMIT);
        return status(202, { success: true as const, data: { queued } });
      },
      {
        body: RedeliverDeadBody,
        transform: strictBody(RedeliverDeadBody),
        response: { 202: RedeliverDeadResponse, 400: ErrorResponse, 401: ErrorResponse },
        detail: {
          summary: "Redeliver dead webhooks (standalone worker)",
          description: "E.g. after fixing the receiver: `{}` for all of them. Each is queued again after what its session queued since (so it arrives out of order), with a new retry horizon.",
        },
      },
    );
}
