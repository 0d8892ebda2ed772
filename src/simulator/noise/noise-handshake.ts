import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { NOISE_MODE, NOISE_WA_HEADER } from '../../whatsapp/protocol.ts';
import { agree } from '../crypto/curve.ts';

const TAG_LENGTH = 16;
const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

const counterIv = (counter: number): Buffer => {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
};

export const gcmEncrypt = (key: Uint8Array, iv: Uint8Array, plain: Uint8Array, aad: Uint8Array): Buffer => {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
};

export const gcmDecrypt = (key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): Buffer => {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]);
};

/** The two AES-GCM keys a finished handshake yields, named from the server's side. */
export interface TransportKeys {
  readonly sendKey: Buffer;
  readonly recvKey: Buffer;
}

/**
 * The responder half of WhatsApp's `Noise_XX_25519_AESGCM_SHA256`: a symmetric state (hash, chaining
 * key, cipher key, nonce) that mirrors the client's step for step. One instance per connection.
 */
export class NoiseResponder {
  private hash: Buffer;
  private chainingKey: Buffer;
  private cipherKey: Buffer;
  private nonce = 0;

  constructor() {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.length === 32 ? mode : sha256(mode);
    this.chainingKey = this.hash;
    this.cipherKey = this.hash;
    this.mixHash(NOISE_WA_HEADER);
  }

  mixHash(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  mixKey(inputKeyMaterial: Uint8Array): void {
    const out = Buffer.from(hkdfSync('sha256', inputKeyMaterial, this.chainingKey, Buffer.alloc(0), 64));
    this.chainingKey = out.subarray(0, 32);
    this.cipherKey = out.subarray(32);
    this.nonce = 0;
  }

  mixDh(privateKey: Uint8Array, publicKey: Uint8Array): void {
    this.mixKey(agree(privateKey, publicKey));
  }

  encryptAndHash(plain: Uint8Array): Buffer {
    const sealed = gcmEncrypt(this.cipherKey, counterIv(this.nonce++), plain, this.hash);
    this.mixHash(sealed);
    return sealed;
  }

  decryptAndHash(sealed: Uint8Array): Buffer {
    const plain = gcmDecrypt(this.cipherKey, counterIv(this.nonce++), sealed, this.hash);
    this.mixHash(sealed);
    return plain;
  }

  /** Splits the final chaining key; the client writes with the first half, so the server reads with it. */
  split(): TransportKeys {
    const out = Buffer.from(hkdfSync('sha256', Buffer.alloc(0), this.chainingKey, Buffer.alloc(0), 64));
    return { recvKey: out.subarray(0, 32), sendKey: out.subarray(32) };
  }
}

