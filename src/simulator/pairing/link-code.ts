import { randomBytes, hkdfSync } from 'node:crypto';
import { aesDecryptCTR, aesEncryptCTR, type BinaryNode, derivePairingCodeKey, getBinaryNodeChild } from '../../whatsapp/protocol.ts';
import { agree, deriveSecret, keyPairFromSecret } from '../crypto/curve.ts';
import { gcmDecrypt } from '../noise/noise-handshake.ts';
import type { Connection } from '../server/connection.ts';
import { bytesOf, iqError, iqResult, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { Account } from '../world/account.ts';
import { completePairing } from './pair-device.ts';
import { refusePairingCode } from './pairing-code-policy.ts';
import type { PendingPairing } from './pending-pairing.ts';

const hkdf = (key: Uint8Array, salt: Uint8Array, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', key, salt, Buffer.from(info), 32));

/** How long the phone waits for the client to finish after the code was entered. */
const FINISH_TIMEOUT_MS = 20_000;

/** `companion_hello`: the client asks for a code for a phone number; remember its wrapped key. */
export const companionHello = (ctx: SimContext, conn: Connection, iq: BinaryNode, reg: BinaryNode): void => {
  const pending = ctx.pendingPairings.find((p) => p.conn === conn);
  const wrapped = bytesOf(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub');
  const phone = (reg.attrs.jid ?? '').split('@')[0] ?? '';
  if (!pending || !wrapped || wrapped.length !== 80) return conn.sendNode(iqError(iq, 400, 'bad-request'));
  const refused = refusePairingCode(ctx, reg, phone);
  if (refused) return conn.sendNode(iqError(iq, refused.code, refused.text));
  const ref = ctx.world.ids.hex('link-code-ref', 16);
  pending.code = { phone, wrappedCompanionEphemeral: wrapped, ref };
  conn.sendNode(iqResult(iq, [node('link_code_companion_reg', {}, [node('link_code_pairing_ref', {}, Buffer.from(ref))])]));
};

/**
 * The phone user types the code: unwrap the companion's ephemeral key with it, and answer with the
 * primary's own wrapped ephemeral key. A wrong code yields a wrong key, which fails at `companion_finish`.
 */
export const enterCode = async (ctx: SimContext, pending: PendingPairing, account: Account, code: string): Promise<void> => {
  const wanted = pending.code;
  if (!wanted) throw new Error('this pairing did not ask for a code');
  const wrapped = wanted.wrappedCompanionEphemeral;
  const companionKey = await derivePairingCodeKey(code.toUpperCase(), wrapped.subarray(0, 32));
  const companionEphemeral = aesDecryptCTR(wrapped.subarray(48, 80), companionKey, wrapped.subarray(32, 48));
  const ephemeral = keyPairFromSecret(deriveSecret(ctx.world.seed, `link-code:${wanted.ref}`));
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const primaryKey = await derivePairingCodeKey(code.toUpperCase(), salt);
  const wrappedPrimary = Buffer.concat([salt, iv, aesEncryptCTR(ephemeral.public, primaryKey, iv)]);
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the client did not finish code pairing')), FINISH_TIMEOUT_MS);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    pending.primary = { account, ephemeral, companionEphemeral, done };
  });
  pending.conn.sendNode(
    node('notification', { from: 's.whatsapp.net', type: 'link_code_companion_reg', id: ctx.world.ids.hex('notif', 8), t: nowSeconds() }, [
      node('link_code_companion_reg', { stage: 'primary_hello' }, [
        node('link_code_pairing_ref', {}, Buffer.from(wanted.ref)),
        node('primary_identity_pub', {}, account.phoneDevice.identityKey),
        node('link_code_pairing_wrapped_primary_ephemeral_pub', {}, wrappedPrimary),
      ]),
    ]),
  );
  await finished;
};

/** `companion_finish`: check the key bundle, derive the ADV secret both sides share, and pair. */
export const companionFinish = (ctx: SimContext, conn: Connection, iq: BinaryNode, reg: BinaryNode): void => {
  const pending = ctx.pendingPairings.find((p) => p.conn === conn);
  const half = pending?.primary;
  const bundle = bytesOf(reg, 'link_code_pairing_wrapped_key_bundle');
  if (!pending || !half || !bundle) return conn.sendNode(iqError(iq, 400, 'bad-request'));
  pending.primary = undefined;
  try {
    const shared = agree(half.ephemeral.private, half.companionEphemeral);
    const key = hkdf(shared, bundle.subarray(0, 32), 'link_code_pairing_key_bundle_encryption_key');
    const plain = gcmDecrypt(key, bundle.subarray(32, 44), bundle.subarray(44), Buffer.alloc(0));
    const phoneIdentity = half.account.phoneDevice.identityKey;
    if (!plain.subarray(0, 32).equals(pending.identityKey) || !plain.subarray(32, 64).equals(phoneIdentity)) {
      throw new Error('key bundle names the wrong identities');
    }
    const identityShared = agree(half.account.phoneDevice.identityPrivateKey, pending.identityKey);
    const advSecret = hkdf(Buffer.concat([shared, identityShared, plain.subarray(64, 96)]), Buffer.alloc(0), 'adv_secret');
    conn.sendNode(iqResult(iq));
    // Not awaited: the client's answer to pair-success arrives on this same connection, whose
    // frames are handled one at a time, so waiting here would deadlock.
    void completePairing(ctx, pending, half.account, advSecret).then(() => half.done(), half.done);
  } catch (error) {
    conn.sendNode(iqError(iq, 401, 'not-authorized'));
    half.done(error instanceof Error ? error : new Error(String(error)));
  }
};

export const linkCodeStage = (iq: BinaryNode): BinaryNode | undefined => getBinaryNodeChild(iq, 'link_code_companion_reg');
