import type { proto } from '../../whatsapp/protocol.ts';
import { type MediaKind, encryptMedia } from './media-crypto.ts';
import type { MediaHost } from './media-host.ts';

export interface OutgoingMedia {
  readonly kind: MediaKind;
  readonly data: Buffer;
  readonly mimetype: string;
  readonly caption?: string;
  readonly fileName?: string;
}

type MediaContent = proto.Message.IImageMessage & proto.Message.IVideoMessage & proto.Message.IAudioMessage & proto.Message.IDocumentMessage & proto.Message.IStickerMessage;

/** Encrypts, stores on the media host, and wraps the reference in the message type for `kind`. */
export const buildMediaMessage = (host: MediaHost, media: OutgoingMedia, mediaKey: Buffer): proto.IMessage => {
  const encrypted = encryptMedia(media.data, mediaKey, media.kind);
  const directPath = host.put(encrypted.file);
  const common = {
    url: host.url(directPath),
    directPath,
    mediaKey,
    mimetype: media.mimetype,
    fileSha256: encrypted.fileSha256,
    fileEncSha256: encrypted.fileEncSha256,
    fileLength: media.data.length,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
  switch (media.kind) {
    case 'image':
      return { imageMessage: { ...common, caption: media.caption } };
    case 'video':
      return { videoMessage: { ...common, caption: media.caption, seconds: 1 } };
    case 'audio':
      return { audioMessage: { ...common, seconds: 1, ptt: false } };
    case 'ptt':
      return { audioMessage: { ...common, seconds: 1, ptt: true } };
    case 'document':
      return { documentMessage: { ...common, fileName: media.fileName ?? 'file', title: media.fileName ?? 'file', caption: media.caption } };
    case 'sticker':
      return { stickerMessage: { ...common } };
  }
};

/** Finds the media reference in a message and the key kind it was encrypted for. */
export const mediaOf = (message: proto.IMessage): { kind: MediaKind; content: MediaContent } | undefined => {
  if (message.imageMessage) return { kind: 'image', content: message.imageMessage };
  if (message.videoMessage) return { kind: 'video', content: message.videoMessage };
  if (message.audioMessage) return { kind: message.audioMessage.ptt ? 'ptt' : 'audio', content: message.audioMessage };
  if (message.documentMessage) return { kind: 'document', content: message.documentMessage };
  if (message.documentWithCaptionMessage?.message?.documentMessage) {
    return { kind: 'document', content: message.documentWithCaptionMessage.message.documentMessage };
  }
  if (message.stickerMessage) return { kind: 'sticker', content: message.stickerMessage };
  return undefined;
};
