import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { hkdfInfoKey } from '../../whatsapp/protocol.ts';

/** The media kinds WhatsApp derives distinct keys for. */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'ptt';

const MAC_LENGTH = 10;

const expand = (mediaKey: Uint8Array, kind: MediaKind) => {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), Buffer.from(hkdfInfoKey(kind)), 112));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
};

interface EncryptedMedia {
  /** What the media host stores: AES-256-CBC ciphertext plus a 10-byte HMAC. */
  readonly file: Buffer;
  readonly fileSha256: Buffer;
  readonly fileEncSha256: Buffer;
}

/** WhatsApp media encryption: HKDF-expanded key, AES-256-CBC, HMAC-SHA256 over iv+ciphertext. */
export const encryptMedia = (plain: Uint8Array, mediaKey: Uint8Array, kind: MediaKind): EncryptedMedia => {
  const { iv, cipherKey, macKey } = expand(mediaKey, kind);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const enc = Buffer.concat([cipher.update(plain), cipher.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, MAC_LENGTH);
  const file = Buffer.concat([enc, mac]);
  return { file, fileSha256: createHash('sha256').update(plain).digest(), fileEncSha256: createHash('sha256').update(file).digest() };
};

/** The reverse, refusing a file whose MAC does not match (a wrong key or a corrupted upload). */
export const decryptMedia = (file: Uint8Array, mediaKey: Uint8Array, kind: MediaKind): Buffer => {
  const { iv, cipherKey, macKey } = expand(mediaKey, kind);
  const enc = Buffer.from(file.subarray(0, file.length - MAC_LENGTH));
  const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, MAC_LENGTH);
  if (!timingSafeEqual(mac, file.subarray(file.length - MAC_LENGTH))) throw new Error('media MAC mismatch');
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  return Buffer.concat([decipher.update(enc), decipher.final()]);
};
