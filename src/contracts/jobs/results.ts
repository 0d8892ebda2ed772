import { Type, type Static } from "@sinclair/typebox";
import { literalUnion } from "./fields.ts";
import { PARTICIPANT_ACTIONS } from "./payloads.ts";

/*
 * What a worker returns for each job. The intake keeps it for a day (contract B
 * removes completed jobs), so GET /api/v1/jobs/{jobId} can show it.
 */

/** START_SESSION, STOP_SESSION, DELETE_SESSION. */
export const SessionResult = Type.Object({
  sessionId: Type.String({ examples: ["user-123"] }),
  status: Type.String({ description: "The session's status once the job ran", examples: ["qr_required"] }),
  warning: Type.Optional(
    Type.String({ description: "What the job could not do, e.g. a DELETE_SESSION that erased auth state no key decrypts could not log the device out", examples: ["the device was not logged out"] }),
  ),
});

/** Every SEND_* job: enough to build the key of the sent message, to react to or quote it later. */
export const MessageResult = Type.Object({
  messageId: Type.String({ description: "WhatsApp's id of the sent message", examples: ["3EB0C431D2B1F2A4E6C1"] }),
  to: Type.String({ description: "The recipient JID the message went to", examples: ["6281234567890@s.whatsapp.net"] }),
  timestamp: Type.Integer({ description: "When WhatsApp took it, unix seconds", examples: [1703839200] }),
});

/**
 * WhatsApp answers per participant with an HTTP-like code: "200" done, "403"
 * refused by their privacy settings (send an invite instead), "408" they left
 * recently, "409" already a member, "404" not on WhatsApp.
 */
const ParticipantOutcome = Type.Object({
  jid: Type.String({ examples: ["628123456789@s.whatsapp.net"] }),
  status: Type.String({ examples: ["200"] }),
});

export const GroupCreateResult = Type.Object({
  groupJid: Type.String({ examples: ["120363025246125888@g.us"] }),
  subject: Type.String({ examples: ["Tim Developer"] }),
  participants: Type.Array(ParticipantOutcome),
});

export const GroupParticipantsResult = Type.Object({
  groupJid: Type.String({ examples: ["1234567890@g.us"] }),
  action: literalUnion(PARTICIPANT_ACTIONS),
  participants: Type.Array(ParticipantOutcome),
});

export type SessionResult = Static<typeof SessionResult>;
export type MessageResult = Static<typeof MessageResult>;
export type GroupCreateResult = Static<typeof GroupCreateResult>;
export type GroupParticipantsResult = Static<typeof GroupParticipantsResult>;
