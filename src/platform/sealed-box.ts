import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secrets at rest (WhatsApp auth state in Redis, webhook
 * subscription secrets in SQLite). Each value is bound to where it is stored
 * (the `slot`, e.g. "s1|session|123.0") as associated data, so a ciphertext
 * copied to another key or row fails to open instead of being silently
 * accepted. Layout: version byte | iv | tag | ciphertext.
 */
export class SealedBox {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error("a sealing key must be 32 bytes");
  }

  seal(plaintext: string, slot: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(slot));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
  }

  /** Throws if the value was tampered with, moved, or sealed under another key. */
  open(sealed: Buffer, slot: string): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error("not a sealed value");
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", this.key, iv);
    decipher.setAAD(Buffer.from(slot));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  }
}
