import type { KeyPair } from '../crypto/curve.ts';
import type { Connection } from '../server/connection.ts';
import type { Account, SignedPreKey } from '../world/account.ts';

/** The phone's half of a code pairing, from the code being entered until the client finishes. */
interface PrimaryHalf {
  readonly account: Account;
  readonly ephemeral: KeyPair;
  readonly companionEphemeral: Buffer;
  readonly done: (error?: Error) => void;
}

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
  primary?: PrimaryHalf;
  /** Today's registration refreshes (registration-refresh.ts): what was sent, acked and retired. */
  readonly refresh: { readonly sent: string[]; readonly acked: Set<string>; readonly retired: Buffer[] };
}
