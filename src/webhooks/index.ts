import { Elysia } from "elysia";
import { requires } from "../http/auth.ts";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { strictBody } from "../http/strict-body.ts";
import type { DeliveryStore } from "./delivery-store.ts";
import {
  CreateSubscriptionBody,
  DeletedResponse,
  DeliveryListQuery,
  DeliveryListResponse,
  DeliveryParams,
  DeliveryResponse,
  RedeliverBody,
  RedeliverResponse,
  SecretResponse,
  SessionWebhookBody,
  SessionWebhookParams,
  SessionWebhookResponse,
  SubscriptionListResponse,
  SubscriptionParams,
  SubscriptionResponse,
  UpdateSubscriptionBody,
} from "./model.ts";
import { deliveryView, subscriptionView, type WebhookService } from "./service.ts";
import type { SubscriptionStore } from "./subscriptions.ts";

const SIGNING =
  "Each webhook is a POST of the event JSON with `X-Webhook-Id` (the eventId), `X-Webhook-Timestamp` (unix seconds) and " +
  '`X-Webhook-Signature: v1=<hex HMAC-SHA256 of "{timestamp}.{body}">` keyed with the subscription\'s secret. ' +
  "A 2xx answer delivers it; 410 disables the subscription; another 4xx (but 408 and 429) refuses that event, which is dead-lettered at once (redeliver it once the receiver is fixed); " +
  "anything else (or no answer within WEBHOOK_TIMEOUT) is retried with exponential backoff and jitter until WEBHOOK_RETRY_HORIZON, then dead-lettered.";
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

interface WebhookRouteDeps {
  service: WebhookService;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  webhookSecret: string;
}

/** Subscriptions, the signing secret, per-session URLs, and the delivery log with redelivery. */
export function webhookRoutes(deps: WebhookRouteDeps) {
  const { service, subscriptions } = deps;
  return new Elysia({ prefix: "/api/v1", detail: { tags: ["Webhooks"], ...requires("integrator", "webhooks:manage") } })
    .get("/webhooks/subscriptions", () => ({ success: true as const, data: subscriptions.list().map(subscriptionView) }), {
      response: { 200: SubscriptionListResponse, 401: ErrorResponse },
      detail: { summary: "List webhook subscriptions", description: `The global one (WEBHOOK_URL) and yours. ${SIGNING} The event types and their data are listed at GET /api/v1/events.` },
    })
    .post(
      "/webhooks/subscriptions",
      async ({ body, status }) => status(201, { success: true as const, data: await service.create(body) }),
      {
        body: CreateSubscriptionBody,
        transform: strictBody(CreateSubscriptionBody),
        response: { 201: SubscriptionResponse, ...errors },
        detail: {
          summary: "Create a webhook subscription",
          description: `Private, loopback and link-local hosts are refused (WEBHOOK_URL_FORBIDDEN) unless ALLOW_PRIVATE_WEBHOOK_URLS is set; they are checked again at every delivery, since DNS can change. ${SIGNING}`,
        },
      },
    )
    .get("/webhooks/subscriptions/:id", ({ params }) => ({ success: true as const, data: subscriptionView(subscriptions.get(params.id)) }), {
      params: SubscriptionParams,
      response: { 200: SubscriptionResponse, ...errors },
      detail: { summary: "Get a webhook subscription" },
    })
    .patch("/webhooks/subscriptions/:id", async ({ params, body }) => ({ success: true as const, data: await service.update(params.id, body) }), {
      params: SubscriptionParams,
      body: UpdateSubscriptionBody,
      transform: strictBody(UpdateSubscriptionBody),
      response: { 200: SubscriptionResponse, ...errors },
      detail: {
        summary: "Change, enable or disable a webhook subscription",
        description: "Disabling cancels its pending deliveries (redeliver them later if you want them). The global subscription takes only events, description and enabled.",
      },
    })
    .delete(
      "/webhooks/subscriptions/:id",
      ({ params }) => {
        subscriptions.delete(params.id);
        return { success: true as const, message: "Subscription deleted" };
      },
      { params: SubscriptionParams, response: { 200: DeletedResponse, ...errors }, detail: { summary: "Delete a webhook subscription (its pending deliveries are cancelled)" } },
    )
    .get("/webhooks/secret", () => ({ success: true as const, data: { secret: deps.webhookSecret } }), {
      response: { 200: SecretResponse, 401: ErrorResponse },
      detail: { summary: "The secret that signs webhooks to WEBHOOK_URL and per-session URLs", description: "WEBHOOK_SECRET, generated on the first start unless set." },
    })
    .put(
      "/sessions/:sessionId/webhook",
      async ({ params, body }) => {
        await service.setSessionUrl(params.sessionId, body.url);
        return { success: true as const, data: { sessionId: params.sessionId, webhookUrl: body.url } };
      },
      {
        params: SessionWebhookParams,
        body: SessionWebhookBody,
        transform: strictBody(SessionWebhookBody),
        response: { 200: SessionWebhookResponse, ...errors },
        detail: {
          tags: ["Sessions", "Webhooks"],
          summary: "Set or remove a session's own webhook URL",
          description: "The session's events go there too (signed with WEBHOOK_SECRET), besides WEBHOOK_URL and matching subscriptions. null removes it and cancels what was pending for it.",
        },
      },
    )
    .get(
      "/webhooks/deliveries",
      ({ query }) => {
        const limit = Number(query.limit ?? 100);
        const { before, limit: _, ...filter } = query;
        const rows = deps.deliveries.list(filter, limit, before);
        return { success: true as const, data: rows.map(deliveryView), page: { limit, next: rows.length === limit ? rows.at(-1)!.id : null } };
      },
      {
        query: DeliveryListQuery,
        response: { 200: DeliveryListResponse, ...errors },
        detail: { summary: "List webhook deliveries (status=dead lists the dead letters)", description: "Newest first. Every attempt is recorded: see one delivery for its attempt log." },
      },
    )
    .get("/webhooks/deliveries/:id", ({ params }) => ({ success: true as const, data: service.delivery(params.id) }), {
      params: DeliveryParams,
      response: { 200: DeliveryResponse, ...errors },
      detail: { summary: "One webhook delivery with every attempt: time, HTTP status, latency, error" },
    })
    .post(
      "/webhooks/deliveries/:id/redeliver",
      async ({ params, status }) => status(202, { success: true as const, data: { queued: await service.redeliverOne(params.id) } }),
      {
        params: DeliveryParams,
        response: { 202: RedeliverResponse, ...errors },
        detail: { summary: "Redeliver one delivery (dead, cancelled or delivered)", description: "It is retried afresh, with a new retry horizon." },
      },
    )
    .post(
      "/webhooks/deliveries/redeliver",
      async ({ body, status }) => status(202, { success: true as const, data: { queued: await service.redeliver(body) } }),
      {
        body: RedeliverBody,
        transform: strictBody(RedeliverBody),
        response: { 202: RedeliverResponse, ...errors },
        detail: { summary: "Redeliver in bulk by filter (the dead letters by default)", description: "E.g. after fixing a receiver: `{\"status\":\"dead\",\"target\":\"global\"}`." },
      },
    );
}
