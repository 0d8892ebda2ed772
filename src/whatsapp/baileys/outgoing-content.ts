import { proto, type AnyMediaMessageContent, type WAMessage } from "@whiskeysockets/baileys";
import type { MessageKey, OutgoingMedia, ProtoJson } from "../driver.ts";

/**
 * What a file of each kind is when the caller does not say. Baileys' own fallback for documents is
 * application/pdf, which would mislabel every other document; a voice note must be Opus in Ogg for
 * phones to play it as one.
 */
function defaultMimetype(media: Pick<OutgoingMedia, "type" | "ptt">): string {
  switch (media.type) {
    case "image":
      return "image/jpeg";
    case "video":
      return "video/mp4";
    case "audio":
      return media.ptt ? "audio/ogg; codecs=opus" : "audio/mpeg";
    case "document":
      return "application/octet-stream";
    case "sticker":
      return "image/webp";
  }
}

/** Baileys content for one media message; caption, fileName and ptt only where WhatsApp has them. */
export function mediaContent(media: OutgoingMedia): AnyMediaMessageContent {
  const data = Buffer.from(media.data.buffer, media.data.byteOffset, media.data.byteLength);
  const mimetype = media.mimetype ?? defaultMimetype(media);
  const caption = media.caption ? { caption: media.caption } : {};
  switch (media.type) {
    case "image":
      return { image: data, mimetype, ...caption };
    case "video":
      return { video: data, mimetype, ...caption };
    case "audio":
      return { audio: data, mimetype, ptt: media.ptt ?? false };
    case "document":
      return { document: data, mimetype, fileName: media.fileName ?? "file", ...caption };
    case "sticker":
      return { sticker: data, mimetype };
  }
}

/**
 * The message being replied to, as Baileys' `quoted` option wants it. WhatsApp shows the quoted text
 * from the reply itself, so without the original content (the caller did not give it and this socket
 * did not send it) an empty text stands in: the reply still links to the right message by its key.
 */
export function quotedMessage(key: MessageKey, message: ProtoJson | proto.IMessage | undefined): WAMessage {
  const content = message ? proto.Message.fromObject(message) : proto.Message.create({ conversation: "" });
  return { key: { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, participant: key.participant }, message: content };
}
