import {
  getContentType,
  isJidStatusBroadcast,
  normalizeMessageContent,
  proto,
  toNumber,
  type BaileysEventMap,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type { DriverEvent, MessageStatus } from "../driver.ts";
import { keyJson } from "./message-json.ts";
import { personJid } from "./poll-votes.ts";

const Status = proto.WebMessageInfo.Status;
const STATUSES = new Map<number, MessageStatus>([
  [Status.ERROR, "failed"],
  [Status.SERVER_ACK, "sent"],
  [Status.DELIVERY_ACK, "delivered"],
  [Status.READ, "read"],
  [Status.PLAYED, "played"],
]);

type StatusEvent = Extract<DriverEvent, { type: "message_status" }>;

/** A status change of a message this number sent; `stub` carries the error of a failed send (["463", text]). */
function statusEvent(key: WAMessage["key"], status: number | null | undefined, stub: unknown, at: number): StatusEvent[] {
  const mapped = status === null || status === undefined ? undefined : STATUSES.get(status);
  if (!mapped || !key.fromMe || !key.id || !key.remoteJid) return [];
  const error = mapped === "failed" && Array.isArray(stub) && stub.length > 0 ? stub.join(": ") : undefined;
  return [
    {
      type: "message_status",
      messageId: key.id,
      remoteJid: key.remoteJid,
      ...(key.participant ? { participant: key.participant } : {}),
      status: mapped,
      at,
      ...(error ? { error } : {}),
    },
  ];
}

/** 1:1 receipts and send errors (messages.update). */
export function statusUpdates(updates: BaileysEventMap["messages.update"]): StatusEvent[] {
  return updates.flatMap(({ key, update }) => statusEvent(key, update.status, update.messageStubParameters, Date.now()));
}

/**
 * A status folded into an upsert: when a receipt (or a 463 refusal) arrives before Baileys flushed the
 * upsert of the message it sent, it lands in that upsert and no separate update fires.
 */
export function foldedStatus(message: WAMessage): StatusEvent[] {
  // PENDING is no news, and "sent" was already reported from the server's ack.
  if (message.status === Status.PENDING || message.status === Status.SERVER_ACK) return [];
  return statusEvent(message.key, message.status, message.messageStubParameters, Date.now());
}

/** Group receipts arrive per member (message-receipt.update), with the member in `participant`. */
export function receiptUpdates(updates: BaileysEventMap["message-receipt.update"]): StatusEvent[] {
  return updates.flatMap(({ key, receipt }) => {
    const [status, at] = receipt.playedTimestamp
      ? [Status.PLAYED, receipt.playedTimestamp]
      : receipt.readTimestamp
        ? [Status.READ, receipt.readTimestamp]
        : [Status.DELIVERY_ACK, receipt.receiptTimestamp];
    const member = { ...key, participant: receipt.userJid ?? key.participant };
    return statusEvent(member, status, undefined, at ? toNumber(at) * 1000 : Date.now());
  });
}

/** Reactions, with the reacted-to key already turned to our point of view by Baileys. */
export function reactionEvents(reactions: BaileysEventMap["messages.reaction"], me: string): DriverEvent[] {
  return reactions.flatMap(({ key, reaction }) => {
    if (!reaction.key || !key.id) return [];
    const sentAt = reaction.senderTimestampMs ? toNumber(reaction.senderTimestampMs) : Date.now();
    return [{ type: "reaction", key: keyJson(key), emoji: reaction.text ?? "", from: personJid(reaction.key, me), at: sentAt }];
  });
}

const PARTICIPANT_ACTIONS = new Set(["add", "remove", "promote", "demote"] as const);
type ParticipantAction = Extract<DriverEvent, { type: "group_participants" }>["action"];
const isParticipantAction = (action: string): action is ParticipantAction => PARTICIPANT_ACTIONS.has(action as ParticipantAction);

/** Members added, removed, promoted or demoted, named by phone-number jid where WhatsApp gives one. */
export function participantsEvent(update: BaileysEventMap["group-participants.update"]): DriverEvent[] {
  if (!isParticipantAction(update.action)) return [];
  const author = update.authorPn ?? update.author;
  return [
    {
      type: "group_participants",
      groupJid: update.id,
      ...(author ? { author } : {}),
      action: update.action,
      participants: update.participants.map((p) => p.phoneNumber ?? p.id),
      at: Date.now(),
    },
  ];
}

/**
 * Whether an upserted message goes to the integrator as a `messages` event. Our choice:
 * - content messages only, from anyone, including what the account owner sent from the phone;
 * - not this socket's own sends echoed back (the caller already has them as job results);
 * - not reactions nor poll votes: each has its own event (`reaction`, `poll_vote`), which is what an
 *   integrator can use (a raw vote is ciphertext);
 * - not protocol messages (key shares, history-sync notices, revokes, edits), group notification stubs
 *   (those become `group_participants`), messages that failed to decrypt (Baileys asks for a retry and the
 *   message comes again) or status broadcasts.
 */
export function isForwardable(message: WAMessage, ownSend: boolean): boolean {
  if (ownSend || message.messageStubType || isJidStatusBroadcast(message.key.remoteJid ?? "")) return false;
  const content = normalizeMessageContent(message.message);
  const kind = getContentType(content ?? undefined);
  return kind !== undefined && kind !== "protocolMessage" && kind !== "reactionMessage" && kind !== "pollUpdateMessage";
}
