import { t } from "elysia";
import { SessionId } from "../contracts/worker-api/common.ts";
import { DELIVERY_STATUSES } from "./schema.ts";

const EVENT_TYPE = t.String({ pattern: "^(\\*|[A-Za-z][A-Za-z0-9_.:-]{0,63})$", error: "must be an event type or *", examples: ["messages.upsert"] });
const URL = t.String({ pattern: "^https?://[^\\s]+$", maxLength: 2048, error: "must be an http(s) URL", examples: ["https://example.com/hooks/whatsapp"] });
const SECRET = t.String({ minLength: 16, maxLength: 256, pattern: "^\\S+$", error: "must be 16-256 characters without spaces", description: "Signs each webhook (X-Webhook-Signature); generated if left out" });
const Iso = t.String({ format: "date-time" });
const isoOrNull = t.Nullable(Iso);

export const SubscriptionParams = t.Object({ id: t.String({ maxLength: 64 }) });

export const CreateSubscriptionBody = t.Object(
  {
    url: URL,
    events: t.Optional(t.Array(EVENT_TYPE, { minItems: 1, maxItems: 50, description: 'Event types to receive; ["*"] (the default) is every type' })),
    sessionId: t.Optional(t.Nullable(SessionId)),
    secret: t.Optional(SECRET),
    description: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
    enabled: t.Optional(t.Boolean({ default: undefined })),
  },
  { examples: [{ url: "https://example.com/hooks/whatsapp", events: ["messages.upsert", "messages.update"] }] },
);

export const UpdateSubscriptionBody = t.Partial(CreateSubscriptionBody, { examples: [{ enabled: true }] });

export const SubscriptionView = t.Object({
  id: t.String({ examples: ["0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70"] }),
  kind: t.UnionEnum(["global", "custom"], { default: undefined, description: "global: WEBHOOK_URL (url and secret from the config); custom: made through this API" }),
  url: t.String(),
  events: t.Array(t.String()),
  sessionId: t.Nullable(t.String({ description: "Only this session's events, if set" })),
  secret: t.String({ description: "The HMAC key of X-Webhook-Signature" }),
  description: t.Nullable(t.String()),
  enabled: t.Boolean(),
  disabledReason: t.Nullable(t.String({ examples: ["https://example.com/hooks/whatsapp answered 410 Gone"] })),
  createdAt: Iso,
  updatedAt: Iso,
});

export const SubscriptionResponse = t.Object({ success: t.Literal(true), data: SubscriptionView });
export const SubscriptionListResponse = t.Object({ success: t.Literal(true), data: t.Array(SubscriptionView) });
export const DeletedResponse = t.Object({ success: t.Literal(true), message: t.String() });
export const SecretResponse = t.Object({
  success: t.Literal(true),
  data: t.Object({ secret: t.String({ description: "WEBHOOK_SECRET: signs webhooks to WEBHOOK_URL and to per-session webhook URLs" }) }),
});

export const SessionWebhookBody = t.Object({ url: t.Nullable(URL, { description: "The session's own webhook URL; null removes it" }) });
export const SessionWebhookParams = t.Object({ sessionId: SessionId });
export const SessionWebhookResponse = t.Object({ success: t.Literal(true), data: t.Object({ sessionId: t.String(), webhookUrl: t.Nullable(t.String()) }) });

const deliveryFilter = {
  status: t.Optional(t.UnionEnum(DELIVERY_STATUSES, { default: undefined, description: "dead = the dead letters (retries ran out at the horizon)" })),
  target: t.Optional(t.String({ maxLength: 200, description: "A subscription id, `global`, or `session:<sessionId>` for a session's own URL" })),
  sessionId: t.Optional(t.String({ maxLength: 128 })),
  type: t.Optional(t.String({ maxLength: 64, description: "Event type" })),
  eventId: t.Optional(t.String({ maxLength: 64 })),
};

export const DeliveryListQuery = t.Object({
  ...deliveryFilter,
  before: t.Optional(t.String({ maxLength: 64, description: "Paging: deliveries older than this delivery id (page.next)" })),
  limit: t.Optional(t.String({ pattern: "^([1-9][0-9]{0,2}|1000)$", error: "must be an integer from 1 to 1000", default: "100" })),
});

export const DeliveryParams = t.Object({ id: t.String({ maxLength: 64 }) });

export const RedeliverBody = t.Object(
  {
    ...deliveryFilter,
    since: t.Optional(t.String({ format: "date-time", description: "Deliveries created at or after" })),
    until: t.Optional(t.String({ format: "date-time", description: "Deliveries created before" })),
    limit: t.Optional(t.Number({ minimum: 1, maximum: 100_000, multipleOf: 1, default: undefined, description: "At most this many (default 10000)" })),
  },
  { description: "Which finished deliveries to send again; status defaults to dead", examples: [{ status: "dead", target: "global" }] },
);

const AttemptView = t.Object({
  at: Iso,
  url: t.String(),
  statusCode: t.Nullable(t.Integer({ description: "null: no HTTP answer (timeout, refused, network error)" })),
  latencyMs: t.Integer(),
  error: t.Nullable(t.String()),
});

export const DeliveryView = t.Object({
  id: t.String(),
  eventId: t.String(),
  type: t.String(),
  sessionId: t.Nullable(t.String()),
  target: t.String({ description: "A subscription id, `global`, or `session:<sessionId>`" }),
  status: t.UnionEnum(DELIVERY_STATUSES, { default: undefined }),
  attempts: t.Integer(),
  parked: t.Boolean({ description: "Held back while its receiver fails or is saturated; released when it recovers" }),
  lastStatusCode: t.Nullable(t.Integer()),
  lastError: t.Nullable(t.String()),
  lastAttemptAt: isoOrNull,
  deliveredAt: isoOrNull,
  retryUntil: Iso,
  createdAt: Iso,
});

export const DeliveryListResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(DeliveryView),
  page: t.Object({ limit: t.Integer(), next: t.Nullable(t.String({ description: "Pass as `before` for the next (older) page" })) }),
});
export const DeliveryResponse = t.Object({ success: t.Literal(true), data: t.Object({ ...DeliveryView.properties, attemptLog: t.Array(AttemptView) }) });
export const RedeliverResponse = t.Object({ success: t.Literal(true), data: t.Object({ queued: t.Integer({ description: "How many deliveries were queued again" }) }) });
