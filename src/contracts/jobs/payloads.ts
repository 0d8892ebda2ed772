import { Type, type Static } from "@sinclair/typebox";
import { literalUnion, MessageKey, MessageText, Participants, PhoneNumber, SessionId } from "./fields.ts";
import { GroupJid, RecipientJid, UserJid } from "./jid.ts";

/*
 * One schema per job of contract B, exactly as the document shows it (optional
 * fields optional). The same schemas validate HTTP bodies (minus `sessionId`,
 * which the API takes from the path), validate jobs at intake, and feed the
 * OpenAPI document. Failure codes are those of failures.ts; every job can also
 * fail with UNKNOWN_JOB or INVALID_PAYLOAD at intake.
 */

/**
 * START_SESSION: connect the session's socket. A new session generates a QR
 * code; with `phoneNumber` it asks WhatsApp for a pairing code instead (an
 * addition to contract B). QR and pairing code reach the integrator through
 * the session's status and the `connection.update` webhook.
 *
 * Result: {@link SessionResult} (`status` e.g. "qr_required", "pairing_code", "connected").
 * Failures: SESSION_NOT_FOUND (no room / unknown to the worker), WHATSAPP_ERROR.
 */
export const StartSessionPayload = Type.Object({
  sessionId: SessionId,
  phoneNumber: Type.Optional({ ...PhoneNumber, description: "Log in with a pairing code sent for this number instead of a QR code" }),
});

/**
 * STOP_SESSION: disconnect the socket and free its memory, keeping the session
 * data, so a later START_SESSION reconnects without a new QR.
 *
 * Result: {@link SessionResult} (`status` "stopped").
 * Failures: SESSION_NOT_FOUND.
 */
export const StopSessionPayload = Type.Object({ sessionId: SessionId });

/**
 * DELETE_SESSION: log out of WhatsApp and delete the session data for good.
 *
 * Result: {@link SessionResult} (`status` "deleted").
 * Failures: SESSION_NOT_FOUND, WHATSAPP_ERROR (the logout itself failed; the data is deleted anyway).
 */
export const DeleteSessionPayload = Type.Object({ sessionId: SessionId });

/**
 * SEND_TEXT: a plain text message, optionally mentioning users (who must also
 * appear as "@<number>" in the text for WhatsApp to highlight them).
 *
 * Result: {@link MessageResult}.
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, NOT_ON_WHATSAPP, WHATSAPP_ERROR.
 */
export const SendTextPayload = Type.Object({
  sessionId: SessionId,
  to: RecipientJid,
  text: MessageText,
  mentions: Type.Optional(Type.Array(UserJid, { maxItems: 1024, description: "Users to mention" })),
});

export const MEDIA_TYPES = ["image", "video", "audio", "document", "sticker"] as const;

/**
 * SEND_MEDIA: an image, video, audio, document or sticker. `media` is an
 * http(s) URL the worker downloads, or base64 (optionally as a `data:` URL).
 * `caption` applies to image/video (and document), `fileName` to documents,
 * `ptt` to audio (send as a voice note); elsewhere they are ignored.
 *
 * Result: {@link MessageResult}.
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, NOT_ON_WHATSAPP, MEDIA_INVALID,
 * MEDIA_TOO_LARGE, MEDIA_URL_FORBIDDEN, MEDIA_FETCH_FAILED, WHATSAPP_ERROR.
 */
export const SendMediaPayload = Type.Object({
  sessionId: SessionId,
  to: RecipientJid,
  type: literalUnion(MEDIA_TYPES, { error: `must be one of ${MEDIA_TYPES.join(", ")}` }),
  media: Type.String({
    minLength: 1,
    description: "An http(s) URL, or the file as base64 (plain or a data: URL)",
    examples: ["https://example.com/image.jpg"],
  }),
  caption: Type.Optional(Type.String({ maxLength: 65_536, description: "Image/video only", examples: ["Lihat gambar ini!"] })),
  fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Document only", examples: ["invoice.pdf"] })),
  mimetype: Type.Optional(
    Type.String({
      pattern: "^[A-Za-z0-9][A-Za-z0-9.+_-]*/[A-Za-z0-9][A-Za-z0-9.+_-]*( *; *[A-Za-z0-9_-]+=[A-Za-z0-9.+_-]+)*$",
      error: "must be a MIME type such as image/jpeg or audio/ogg; codecs=opus",
      examples: ["application/pdf"],
    }),
  ),
  ptt: Type.Optional(Type.Boolean({ description: "Audio only: send as a voice note", default: false })),
});

/**
 * SEND_POLL: a poll. `selectableCount` is how many options a voter may pick;
 * 0 means any number (multiple choice). It may not exceed the option count.
 *
 * Result: {@link MessageResult}.
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, NOT_ON_WHATSAPP, WHATSAPP_ERROR.
 */
export const SendPollPayload = Type.Object({
  sessionId: SessionId,
  to: RecipientJid,
  name: Type.String({ minLength: 1, maxLength: 255, description: "The question", examples: ["Kapan kita meeting?"] }),
  options: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 12, uniqueItems: true, examples: [["Senin", "Selasa", "Rabu"]] }),
  selectableCount: Type.Integer({ minimum: 0, maximum: 12, description: "0 = multiple choice", examples: [1] }),
});

/**
 * SEND_REACTION: react to a message with an emoji; an empty string removes
 * this session's reaction.
 *
 * Result: {@link MessageResult} (the reaction's own message id).
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, WHATSAPP_ERROR.
 */
export const SendReactionPayload = Type.Object({
  sessionId: SessionId,
  to: RecipientJid,
  key: MessageKey,
  emoji: Type.String({ maxLength: 32, description: 'The emoji; "" removes the reaction', examples: ["👍"] }),
});

/**
 * SEND_REPLY: a text message quoting an earlier one. `quoted.message` is the
 * quoted message's content, used only for the preview WhatsApp shows.
 *
 * Result: {@link MessageResult}.
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, NOT_ON_WHATSAPP, WHATSAPP_ERROR.
 */
export const SendReplyPayload = Type.Object({
  sessionId: SessionId,
  to: RecipientJid,
  text: MessageText,
  quoted: Type.Object({
    key: MessageKey,
    message: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "The quoted message's content, WhatsApp's proto as JSON (for the preview)",
        examples: [{ conversation: "Meeting hari Senin jam 10?" }],
      }),
    ),
  }),
});

/**
 * GROUP_CREATE: create a group with this session as its admin.
 *
 * Result: {@link GroupCreateResult}.
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, WHATSAPP_ERROR.
 */
export const GroupCreatePayload = Type.Object({
  sessionId: SessionId,
  subject: Type.String({ minLength: 1, maxLength: 100, examples: ["Tim Developer"] }),
  participants: Participants,
});

export const PARTICIPANT_ACTIONS = ["add", "remove", "promote", "demote"] as const;

/**
 * GROUP_UPDATE_PARTICIPANTS: add or remove members, or promote/demote admins.
 *
 * Result: {@link GroupParticipantsResult} (one status per participant).
 * Failures: SESSION_NOT_FOUND, SESSION_NOT_CONNECTED, GROUP_NOT_FOUND, NOT_GROUP_ADMIN, WHATSAPP_ERROR.
 */
export const GroupUpdateParticipantsPayload = Type.Object({
  sessionId: SessionId,
  jid: GroupJid,
  action: literalUnion(PARTICIPANT_ACTIONS, { error: `must be one of ${PARTICIPANT_ACTIONS.join(", ")}` }),
  participants: Participants,
});

export type StartSessionData = Static<typeof StartSessionPayload>;
export type StopSessionData = Static<typeof StopSessionPayload>;
export type DeleteSessionData = Static<typeof DeleteSessionPayload>;
export type SendTextData = Static<typeof SendTextPayload>;
export type SendMediaData = Static<typeof SendMediaPayload>;
export type SendPollData = Static<typeof SendPollPayload>;
export type SendReactionData = Static<typeof SendReactionPayload>;
export type SendReplyData = Static<typeof SendReplyPayload>;
export type GroupCreateData = Static<typeof GroupCreatePayload>;
export type GroupUpdateParticipantsData = Static<typeof GroupUpdateParticipantsPayload>;
