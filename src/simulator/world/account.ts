import type { KeyPair } from '../crypto/curve.ts';
import type { SimPhone } from '../phone/sim-phone.ts';

/** A one-time or signed prekey as a linked device uploaded it. */
interface UploadedPreKey {
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
  /**
   * WhatsApp restricted this account (its "reach-out timelock" is active): its 1:1 sends are refused
   * with error 463, the same code as a missing privacy token; only the timelock query tells them apart.
   */
  restricted: boolean;
  /**
   * Linked devices writing to this person must present the privacy token (`<tctoken>`) this person
   * granted them, or the server refuses the message with 463, as WhatsApp does for contacts a sender
   * has no chat with.
   */
  requiresToken: boolean;
  /**
   * The server no longer discloses this number: what this person sends is addressed by LID only (no
   * `sender_pn` or `participant_pn`), so only a client's stored mapping can name the phone number.
   */
  hidesPhoneNumber: boolean;
  /** The chats this account already has, by the other person's phone number. */
  readonly chats: Map<string, ExistingChat>;
}

/** A chat with someone, and the privacy token they granted this account (what lets it write to them). */
export interface ExistingChat {
  readonly contact: Account;
  readonly tcToken: Buffer;
  /** Unix seconds. */
  readonly tcTokenTimestamp: number;
}

export const pnJid = (account: Account, device = 0): string =>
  device ? `${account.phone}:${device}@s.whatsapp.net` : `${account.phone}@s.whatsapp.net`;

export const lidJid = (account: Account, device = 0): string =>
  device ? `${account.lid}:${device}@lid` : `${account.lid}@lid`;
