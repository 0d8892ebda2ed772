import { t } from "elysia";
import { MESSAGE_STATUSES } from "./vocabulary.ts";
import { MessageResponse, SessionId, SessionStatus, Timestamp, WorkerId, oneOf } from "./common.ts";

const EventName = t.String({
  pattern: "^[A-Za-z][A-Za-z0-9_.:-]{0,63}$",
  description:
    "Contract A's names: session_created, session_qr_ready, session_connected, session_disconnected, session_deleted, " +
    "session_status_changed, message_sent, message_received, message_failed, message_status, worker_started, worker_stopping, worker_error; " +
    "and the Baileys-style events a worker forwards for integrators: messages.upsert, connection.update, messages.reaction, poll.vote, group-participants.update (these need sessionId). " +
    "Other names are accepted and stored (so newer workers keep working) but change nothing.",
  examples: ["session_status_changed"],
});

const MessageStatus = oneOf(MESSAGE_STATUSES);

/** What a session event's `data` may say; every field optional, more fields allowed. */
export const SessionData = t.Object({
  status: t.Optional(SessionStatus),
  phoneNumber: t.Optional(t.String({ pattern: "^\\+?[0-9]{5,20}$", examples: ["+6281234567890"] })),
  qrCode: t.Optional(t.String({ maxLength: 262_144, description: "The QR code as an image data URL", examples: ["data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA..."] })),
  qrString: t.Optional(t.String({ maxLength: 4096, description: "The raw QR payload; kept in preference to the image", examples: ["1@ABC123XYZ..."] })),
  qrExpiresAt: t.Optional(t.String({ format: "date-time", description: "When the QR code expires; 60 s after receipt if not given" })),
  pairingCode: t.Optional(t.String({ maxLength: 16, examples: ["ABCD-1234"] })),
  error: t.Optional(t.String({ maxLength: 2000 })),
});

const messageFields = {
  messageId: t.String({ minLength: 1, maxLength: 256, pattern: "^[!-~]+$", examples: ["msg_12345"] }),
  to: t.Optional(t.String({ maxLength: 256, examples: ["6281234567890@s.whatsapp.net"] })),
  sentAt: t.Optional(Timestamp),
  deliveredAt: t.Optional(Timestamp),
  readAt: t.Optional(Timestamp),
  playedAt: t.Optional(Timestamp),
  failedAt: t.Optional(Timestamp),
  error: t.Optional(t.String({ maxLength: 2000 })),
};

/** A message status report: the status only moves forward (a late "sent" does not undo "read"). */
const MessageData = t.Object({ ...messageFields, status: MessageStatus });
/**
 * message_sent and message_failed imply their status. Contract A defines no `data` for them, so a worker
 * written by someone else may send none: such an event is stored (and delivered) as it came, and only
 * one that names its messageId also updates that message's status.
 */
export const MessageEventData = t.Object({ ...messageFields, messageId: t.Optional(messageFields.messageId), status: t.Optional(MessageStatus) });

/** Baileys' connection.update as a worker forwards it (contract B's CONNECTION_UPDATE `data`); it also updates the session. */
export const ConnectionUpdateData = t.Object({
  connection: t.Optional(oneOf(["connecting", "open", "close"])),
  qr: t.Optional(t.String({ maxLength: 4096, description: "Present while a QR code waits to be scanned" })),
  lastDisconnect: t.Optional(
    t.Object({
      reason: t.Optional(t.String({ maxLength: 200 })),
      statusCode: t.Optional(t.Number()),
      message: t.Optional(t.String({ maxLength: 2000 })),
    }),
  ),
});

const EVENT_ID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

const envelope = {
  eventId: t.Optional(
    t.String({
      pattern: EVENT_ID_PATTERN,
      description:
        "Addition to contract A: the worker's own UUID for this event. A worker retries from a durable outbox, so an event may arrive more than once; " +
        "one whose eventId is already stored is answered with success and changes nothing. Integrators see it as the event's eventId.",
      examples: ["0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70"],
    }),
  ),
  event: EventName,
  timestamp: t.Optional(Timestamp),
  epoch: t.Optional(
    t.Integer({
      minimum: 0,
      description:
        "Addition to contract A: the session's ownership-lease epoch on the reporting worker. It grows each time the session changes hands; " +
        "a session status from an epoch older than one already seen is refused with 409 STALE_EPOCH (it comes from a worker the session moved away from). " +
        "Messages and message statuses are stored whatever their epoch: they happened while that worker owned the session.",
      examples: [7],
    }),
  ),
};

export const WorkerEventBody = t.Object({
  ...envelope,
  sessionId: t.Optional(SessionId),
  /** If given, it must equal the path's workerId. */
  workerId: t.Optional(WorkerId),
  statusEventId: t.Optional(
    t.String({
      pattern: EVENT_ID_PATTERN,
      description:
        "Addition to contract A: on a session lifecycle event (session_connected, session_disconnected, ...), the eventId of the session-status webhook " +
        "that reported the same change. The event is stored and applied as usual, but integrators receive that change once, as the webhook's session.status " +
        "(the lifecycle event is not published, so their session sequence has no gap). Without it, or if that webhook is not stored, the event is published too.",
      examples: ["0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f71"],
    }),
  ),
  data: t.Optional(t.Record(t.String(), t.Unknown(), { description: "Checked against SessionData or MessageData for session and message events" })),
});

export const SessionStatusBody = t.Object({ ...envelope, sessionId: SessionId, workerId: WorkerId, data: SessionData });
export const MessageStatusBody = t.Object({ ...envelope, sessionId: SessionId, workerId: WorkerId, data: MessageData });

export const EventReceived = MessageResponse("Event received");
export const SessionStatusUpdated = MessageResponse("Session status updated");
export const MessageStatusUpdated = MessageResponse("Message status updated");
