import { t } from "elysia";
import { CONTRACT_EXAMPLES, literalUnion, PhoneNumber, SessionId, StartSessionPayload } from "../contracts/jobs/index.ts";
import { SESSION_STATUSES } from "../contracts/worker-api/vocabulary.ts";

export const SessionParams = t.Object({ sessionId: SessionId });

export const StartSessionBody = t.Object(
  {
    ...StartSessionPayload.properties,
    webhookUrl: t.Optional(
      t.String({
        pattern: "^https?://[^\\s]+$",
        maxLength: 2048,
        error: "must be an http(s) URL",
        description: "This session's events are also posted here (besides the global WEBHOOK_URL)",
        examples: ["https://example.com/hooks/whatsapp"],
      }),
    ),
    metadata: t.Optional(t.Record(t.String(), t.Unknown(), { description: "Your own data, returned with the session (at most 16 KB of JSON)", examples: [{ customerId: "c-42" }] })),
  },
  { examples: [{ ...CONTRACT_EXAMPLES.START_SESSION, webhookUrl: "https://example.com/hooks/whatsapp", metadata: { customerId: "c-42" } }] },
);

export const PairingCodeBody = t.Object({ phoneNumber: PhoneNumber });

export const SessionListQuery = t.Object({
  status: t.Optional(literalUnion(SESSION_STATUSES, { description: "Only sessions in this status (deleted ones are listed only when asked for)" })),
  workerId: t.Optional(t.String({ maxLength: 64, description: "Only sessions this worker owns" })),
  phoneNumber: t.Optional(t.String({ maxLength: 16, description: "Only the session linked to this number" })),
  // Strings with patterns, not t.Integer: Elysia reports a coerced query number's error without its name.
  page: t.Optional(t.String({ pattern: "^[1-9][0-9]{0,8}$", error: "must be an integer from 1", default: "1", examples: ["1"] })),
  limit: t.Optional(t.String({ pattern: "^([1-9]|[1-9][0-9]|100)$", error: "must be an integer from 1 to 100", default: "20", examples: ["20"] })),
});

const isoOrNull = (description: string) => t.Nullable(t.String({ format: "date-time", description }));

export const SessionView = t.Object({
  sessionId: t.String({ examples: ["user-123"] }),
  status: literalUnion(SESSION_STATUSES, { examples: ["qr_required"] }),
  phoneNumber: t.Nullable(t.String({ description: "E.164 without +, once the phone is linked", examples: ["6281234567890"] })),
  workerId: t.Nullable(t.String({ description: "The worker running the session", examples: ["worker-001"] })),
  lastError: t.Nullable(t.String()),
  webhookUrl: t.Nullable(t.String()),
  metadata: t.Nullable(t.Record(t.String(), t.Unknown())),
  hasQr: t.Boolean({ description: "A QR code is waiting to be scanned: fetch it from /qr, /qr.png or /qr.svg" }),
  qrExpiresAt: isoOrNull("When the pending QR code expires"),
  pairingCode: t.Nullable(t.String({ description: "The code to type on the phone, for pairing-code login", examples: ["ABCD1234"] })),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
  lastActivityAt: isoOrNull("Last message or event"),
});

export const SessionResponse = t.Object({ success: t.Literal(true), data: SessionView });

export const SessionListResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(SessionView),
  pagination: t.Object({ page: t.Integer(), limit: t.Integer(), total: t.Integer(), totalPages: t.Integer() }),
});

export const QrResponse = t.Object({
  success: t.Literal(true),
  data: t.Object({
    sessionId: t.String({ examples: ["user-123"] }),
    qr: t.String({ description: "The raw QR string, to render yourself", examples: ["2@hC7Zb1Yd…"] }),
    dataUrl: t.String({ description: "The QR as a PNG data: URL, for an <img src>", examples: ["data:image/png;base64,iVBORw0KGgo…"] }),
    expiresAt: isoOrNull("When this QR code expires; a new one follows"),
  }),
});
