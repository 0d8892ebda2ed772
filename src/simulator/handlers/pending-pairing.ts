import type { Connection } from '../server/connection.ts';
import type { SignedPreKey } from '../world/account.ts';

/** A client that registered (sent its keys) and now shows a QR or waits for a pairing code. */
export interface PendingPairing {
  readonly id: string;
  readonly conn: Connection;
  readonly refs: readonly string[];
  readonly noiseKey: Buffer;
  readonly identityKey: Buffer;
  readonly registrationId: number;
  readonly signedPreKey: SignedPreKey;
  readonly platform: string;
  readonly createdAt: number;
  /** Set when the client asked for a pairing code for this phone number. */
  code?: {
    readonly phone: string;
    readonly wrappedCompanionEphemeral: Buffer;
    readonly ref: string;
  };
}
