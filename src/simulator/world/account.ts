import type { KeyPair } from '../crypto/curve.ts';
import type { SimPhone } from '../phone/sim-phone.ts';

/** A one-time or signed prekey as a linked device uploaded it. */
export interface UploadedPreKey {
  readonly id: number;
  readonly public: Buffer;
}

export interface SignedPreKey extends UploadedPreKey {
  readonly signature: Buffer;
}

/** A companion (a Baileys client) linked to an account after pairing. */
export interface LinkedDevice {
  readonly id: number;
  readonly keyIndex: number;
  /** The Noise static key from the QR or code; a login must present the same one. */
  readonly noiseKey: Buffer;
  readonly identityKey: Buffer;
  readonly registrationId: number;
  signedPreKey: SignedPreKey;
  readonly preKeys: Map<number, Buffer>;
  /** The account still owes this device its first (empty) history sync. */
  needsHistorySync: boolean;
  platform: string;
}

export interface Account {
  readonly phone: string;
  readonly lid: string;
  name: string;
  /** Signs ADV device identities: the account key that a real phone keeps. */
  readonly accountKey: KeyPair;
  readonly phoneDevice: SimPhone;
  readonly devices: Map<number, LinkedDevice>;
  nextDeviceId: number;
  /** Sends from this account are refused with error 463, as WhatsApp does for restricted numbers. */
  restricted: boolean;
}

export const pnJid = (account: Account, device = 0): string =>
  device ? `${account.phone}:${device}@s.whatsapp.net` : `${account.phone}@s.whatsapp.net`;

export const lidJid = (account: Account, device = 0): string =>
  device ? `${account.lid}:${device}@lid` : `${account.lid}@lid`;
