import { t } from "elysia";

/** The event types and their `data`, for the OpenAPI document (the Events tag and every schema that carries an event). */
export const EVENT_TYPES_DOC = [
  "Every event reaches integrators (webhooks, `GET /api/v1/events`, `GET /api/v1/events/stream`) in one envelope: contract B's " +
    "`{event, sessionId, timestamp (unix seconds), data}` plus `eventId` (unique; the `X-Webhook-Id` of its webhooks), `sequence` " +
    "(1, 2, 3... per session, per worker for worker events) and `workerId`. Types and their `data`:",
  "",
  "| event | data |",
  "|---|---|",
  "| `messages.upsert` | Contract B's MESSAGE_UPSERT: `{messages: [{key: {remoteJid, fromMe, id}, message, pushName, messageTimestamp}], type}` (`type` is `notify` for new messages). |",
  "| `connection.update` | Contract B's CONNECTION_UPDATE: `{connection: 'connecting'\\|'open'\\|'close', qr?, lastDisconnect?: {reason, statusCode?, message}}`. |",
  "| `messages.update` | A sent message's status, which only moves forward: `{messageId, status: 'sent'\\|'delivered'\\|'read'\\|'played'\\|'failed', to?, sentAt?, deliveredAt?, readAt?, playedAt?, failedAt?, error?}`. |",
  "| `messages.reaction` | `{key: {remoteJid, fromMe, id}, emoji, from}`; an empty `emoji` removes the reaction. |",
  "| `poll.vote` | `{pollMessageId, chatJid, voter, selectedOptions: string[]}`. |",
  "| `group-participants.update` | `{groupJid, author?, action: 'add'\\|'remove'\\|'promote'\\|'demote', participants: string[]}`. |",
  "| `session.status` | The session's lifecycle: `{status, trigger, phoneNumber?, qrCode?, qrString?, qrExpiresAt?, pairingCode?, error?}`; `status` as in the sessions API (`created`, `qr_required`, `connected`, `disconnected`, `deleted`, ...), `trigger` the worker's event name (`session_connected`, `qr_ready`, ...). |",
  "| `message.received` | A worker's own notice of an incoming message (`data` as the worker sent it); the message itself arrives as `messages.upsert`. |",
  "| `worker.status` | `sessionId` is null: `{status: 'started'\\|'stopping'\\|'error'\\|'offline', ...}` (offline carries `reason` and `lastHeartbeat`). |",
  "",
  "Event names a newer worker sends that this list lacks pass through under their own name.",
].join("\n");

const TYPE_PATTERN = "^[A-Za-z][A-Za-z0-9_.:-]{0,63}(,[A-Za-z][A-Za-z0-9_.:-]{0,63}){0,19}$";

const EventEnvelopeSchema = t.Object(
  {
    event: t.String({ examples: ["messages.upsert"] }),
    sessionId: t.Nullable(t.String({ examples: ["user-123"] })),
    timestamp: t.Integer({ description: "Unix seconds", examples: [1703839200] }),
    data: t.Record(t.String(), t.Unknown(), { description: "Depends on `event`; see the Events tag" }),
    eventId: t.String({ examples: ["0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70"] }),
    sequence: t.Integer({ minimum: 1, examples: [42] }),
    workerId: t.String({ examples: ["worker-001"] }),
  },
  {
    description: "Contract B's webhook shape plus eventId, sequence and workerId",
    examples: [
      {
        event: "messages.upsert",
        sessionId: "user-123",
        timestamp: 1703839200,
        data: { messages: [{ key: { remoteJid: "6281234567890@s.whatsapp.net", fromMe: false, id: "3EB0..." }, message: { conversation: "Halo bot!" }, pushName: "Budi" }], type: "notify" },
        eventId: "0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70",
        sequence: 42,
        workerId: "worker-001",
      },
    ],
  },
);

const filters = {
  sessionId: t.Optional(t.String({ maxLength: 128, description: "Only this session's events", examples: ["user-123"] })),
  type: t.Optional(t.String({ pattern: TYPE_PATTERN, error: "must be event types separated by commas", description: "Only these event types, comma-separated", examples: ["messages.upsert,messages.update"] })),
};

export const EventPageQuery = t.Object({
  ...filters,
  afterSequence: t.Optional(t.String({ pattern: "^(0|[1-9][0-9]{0,14})$", error: "must be a whole number", description: "With sessionId: events after this sequence number", examples: ["41"] })),
  after: t.Optional(t.String({ maxLength: 64, description: "Events stored after this eventId (any session); what page.next says", examples: ["0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70"] })),
  limit: t.Optional(t.String({ pattern: "^([1-9][0-9]{0,2}|1000)$", error: "must be an integer from 1 to 1000", default: "100", examples: ["100"] })),
});

export const EventPageResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(EventEnvelopeSchema),
  page: t.Object({
    limit: t.Integer(),
    hasMore: t.Boolean(),
    next: t.Nullable(t.String({ description: "Pass as `after` for the next page (null when there are no events)" })),
  }),
});

export const EventStreamQuery = t.Object({
  ...filters,
  after: t.Optional(t.String({ maxLength: 64, description: "Start after this eventId; the Last-Event-ID header does the same and wins" })),
});
