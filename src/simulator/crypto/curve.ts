import * as curve from 'curve25519-js';
import { createHmac } from 'node:crypto';

/** An X25519 key pair whose private half also signs (XEdDSA), as WhatsApp uses everywhere. */
export interface KeyPair {
  readonly public: Buffer;
  readonly private: Buffer;
}

/** Signal prefixes 32-byte Curve25519 public keys with a type byte 5 ("DJB"). */
const DJB_TYPE = 5;

const stripKeyType = (key: Uint8Array): Buffer =>
  Buffer.from(key.length === 33 && key[0] === DJB_TYPE ? key.subarray(1) : key);

export const withKeyType = (key: Uint8Array): Buffer =>
  key.length === 33 ? Buffer.from(key) : Buffer.concat([Buffer.from([DJB_TYPE]), key]);

/** A key pair from 32 secret bytes, so a seed can reproduce every key the simulator owns. */
export const keyPairFromSecret = (secret: Uint8Array): KeyPair => {
  const pair = curve.generateKeyPair(secret);
  return { public: Buffer.from(pair.public), private: Buffer.from(pair.private) };
};

/**
 * Derives labelled secret bytes from the simulator seed: the same seed and label always give the
 * same bytes, and different labels are independent.
 */
export const deriveSecret = (seed: string, label: string): Buffer =>
  createHmac('sha256', seed).update(label).digest();

export const sign = (privateKey: Uint8Array, message: Uint8Array): Buffer =>
  Buffer.from(curve.sign(privateKey, message, undefined));

/**
 * Strict XEdDSA verification. Baileys rc14's `Curve.verify` accepts any well-formed signature
 * (libsignal 6 returns false instead of throwing), so the simulator must never rely on it.
 */
export const verifyStrict = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  const key = stripKeyType(publicKey);
  if (key.length !== 32 || signature.length !== 64) return false;
  return curve.verify(key, message, signature);
};

export const agree = (privateKey: Uint8Array, publicKey: Uint8Array): Buffer =>
  Buffer.from(curve.sharedKey(privateKey, stripKeyType(publicKey)));
