import pino from 'pino';
import {
  addTransactionCapability,
  type AuthenticationCreds,
  encodeWAMessage,
  initAuthCreds,
  makeLibSignalRepository,
  proto,
  type SignalRepositoryWithLIDStore,
  unpadRandomMax16,
} from '../../whatsapp/protocol.ts';
import { deriveSecret, keyPairFromSecret, sign, withKeyType } from '../crypto/curve.ts';
import { createMemoryKeyStore, type KeyStoreDump } from './memory-key-store.ts';
import type { PreKeyBundle } from '../world/prekey-bundle.ts';
import type { Inbox } from './inbox.ts';
import { createInbox } from './inbox.ts';
import { PhoneLedger } from './phone-ledger.ts';

const silent = pino({ level: 'silent' });

export interface PhoneState {
  readonly nextPreKeyId: number;
  readonly keys: KeyStoreDump;
}

/**
 * The simulated primary phone (device 0) of an account: a real Signal endpoint with its own identity,
 * an unlimited supply of one-time prekeys, and an inbox of everything it decrypted.
 */
export class SimPhone {
  private readonly signal: SignalRepositoryWithLIDStore;
  readonly inbox: Inbox = createInbox();
  readonly ledger = new PhoneLedger();
  private readonly creds: AuthenticationCreds;
  private readonly store = createMemoryKeyStore();
  private readonly keys = addTransactionCapability(this.store, silent, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  private nextPreKeyId = 1;

  constructor(
    private readonly seed: string,
    private readonly label: string,
    lidForPn: (jids: string[]) => Promise<{ lid: string; pn: string }[] | undefined>,
  ) {
    const identity = keyPairFromSecret(deriveSecret(seed, `${label}:identity`));
    const signed = keyPairFromSecret(deriveSecret(seed, `${label}:signed-prekey`));
    // The Signal repository reads only the identity, signed prekey and registration id; the other
    // creds fields (noise key and so on) belong to linked devices and are filler here.
    this.creds = {
      ...initAuthCreds(),
      signedIdentityKey: identity,
      signedPreKey: { keyPair: signed, keyId: 1, signature: sign(identity.private, withKeyType(signed.public)) },
      registrationId: deriveSecret(seed, `${label}:registration`).readUInt16BE(0) & 0x3fff,
    };
    this.signal = makeLibSignalRepository({ creds: this.creds, keys: this.keys }, silent, lidForPn);
  }

  /** Fault: the phone loses its Signal sessions and sender keys (its identity stays), as after a reinstall. */
  async forgetSessions(): Promise<void> {
    const lost = this.store.dump().filter(([type]) => type === 'session' || type === 'sender-key');
    const ids = (type: string) => Object.fromEntries(lost.filter(([t]) => t === type).map(([, id]) => [id, null]));
    await this.store.set({ session: ids('session'), 'sender-key': ids('sender-key') });
  }

  get identityKey(): Buffer {
    return Buffer.from(this.creds.signedIdentityKey.public);
  }

  get identityPrivateKey(): Buffer {
    return Buffer.from(this.creds.signedIdentityKey.private);
  }

  /** The phone's Signal state (sessions, sender keys, prekeys), for the simulator's snapshot. */
  exportState(): PhoneState {
    return { nextPreKeyId: this.nextPreKeyId, keys: this.store.dump() };
  }

  importState(state: PhoneState): void {
    this.nextPreKeyId = state.nextPreKeyId;
    this.store.load(state.keys);
  }

  /** Hands out a fresh one-time prekey on every fetch, so peers never run a phone dry. */
  async bundle(): Promise<PreKeyBundle> {
    const id = this.nextPreKeyId++;
    const pair = keyPairFromSecret(deriveSecret(this.seed, `${this.label}:prekey:${id}`));
    await this.keys.set({ 'pre-key': { [id]: pair } });
    const signed = this.creds.signedPreKey;
    return {
      registrationId: this.creds.registrationId,
      identityKey: this.identityKey,
      signedPreKey: { id: signed.keyId, public: Buffer.from(signed.keyPair.public), signature: Buffer.from(signed.signature) },
      preKey: { id, public: pair.public },
    };
  }

  async openSession(jid: string, bundle: PreKeyBundle): Promise<void> {
    await this.signal.injectE2ESession({
      jid,
      session: {
        registrationId: bundle.registrationId,
        identityKey: withKeyType(bundle.identityKey),
        signedPreKey: {
          keyId: bundle.signedPreKey.id,
          publicKey: withKeyType(bundle.signedPreKey.public),
          signature: bundle.signedPreKey.signature,
        },
        preKey: bundle.preKey ? { keyId: bundle.preKey.id, publicKey: withKeyType(bundle.preKey.public) } : undefined,
      },
    });
  }

  async hasSession(jid: string): Promise<boolean> {
    return (await this.signal.validateSession(jid)).exists;
  }

  async encrypt(jid: string, message: proto.IMessage): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Uint8Array }> {
    return this.signal.encryptMessage({ jid, data: encodeWAMessage(message) });
  }

  async decrypt(jid: string, type: 'pkmsg' | 'msg', ciphertext: Uint8Array): Promise<proto.Message> {
    const plain = await this.signal.decryptMessage({ jid, type, ciphertext });
    return proto.Message.decode(unpadRandomMax16(plain));
  }

  async encryptGroup(group: string, meJid: string, message: proto.IMessage) {
    return this.signal.encryptGroupMessage({ group, meId: meJid, data: encodeWAMessage(message) });
  }

  async processSenderKey(authorJid: string, item: proto.Message.ISenderKeyDistributionMessage): Promise<void> {
    await this.signal.processSenderKeyDistributionMessage({ authorJid, item });
  }

  async decryptGroup(group: string, authorJid: string, ciphertext: Uint8Array): Promise<proto.Message> {
    const plain = await this.signal.decryptGroupMessage({ group, authorJid, msg: ciphertext });
    return proto.Message.decode(unpadRandomMax16(plain));
  }
}
