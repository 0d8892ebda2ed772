import { proto, type WAMessage, type WAMessageKey } from "@whiskeysockets/baileys";
import type { MessageKey, ProtoJson, UpsertMessage } from "../driver.ts";

/** protobuf.js conversion to plain JSON: bytes as base64 strings, 64-bit integers as numbers, enums as numbers. */
const JSON_SAFE = { longs: Number, bytes: String } as const;

/** Baileys' key with the extras it adds beyond the protobuf (the other address of a LID/phone pair). */
export function keyJson(key: WAMessageKey): MessageKey & { remoteJidAlt?: string; participantAlt?: string } {
  return {
    remoteJid: key.remoteJid ?? "",
    fromMe: key.fromMe ?? false,
    id: key.id ?? "",
    ...(key.participant ? { participant: key.participant } : {}),
    ...(key.remoteJidAlt ? { remoteJidAlt: key.remoteJidAlt } : {}),
    ...(key.participantAlt ? { participantAlt: key.participantAlt } : {}),
  };
}

/**
 * One message as contract B's `messages.upsert` carries it: Baileys' WebMessageInfo through protobuf.js'
 * own toObject, so every field keeps its protobuf JSON name and nothing (Buffer, Long) breaks
 * JSON.stringify. protobuf.js reads plain objects as well as decoded instances.
 */
export function upsertMessageJson(message: WAMessage): UpsertMessage {
  const json = proto.WebMessageInfo.toObject(message as proto.WebMessageInfo, JSON_SAFE);
  const timestamp = json.messageTimestamp;
  return {
    ...json,
    key: keyJson(message.key),
    message: (json.message as ProtoJson | undefined) ?? null,
    ...(message.pushName ? { pushName: message.pushName } : {}),
    ...(typeof timestamp === "number" ? { messageTimestamp: timestamp } : {}),
  };
}
