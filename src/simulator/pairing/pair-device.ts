import { createHmac } from 'node:crypto';
import { getBinaryNodeChild, proto, WA_ADV_ACCOUNT_SIG_PREFIX, WA_ADV_DEVICE_SIG_PREFIX } from '../../whatsapp/protocol.ts';
import { sign, verifyStrict } from '../crypto/curve.ts';
import { bytesOf, node, nowSeconds, streamError } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, type LinkedDevice, lidJid, pnJid } from '../world/account.ts';
import type { PendingPairing } from './pending-pairing.ts';

const RESTART_REQUIRED = 515;

/** The ADV identity the phone issues: details signed by the account key, wrapped in an HMAC. */
const issueDeviceIdentity = (account: Account, identityKey: Buffer, keyIndex: number, advSecret: Buffer) => {
  const details = Buffer.from(
    proto.ADVDeviceIdentity.encode({ rawId: keyIndex, timestamp: Math.floor(Date.now() / 1000), keyIndex, deviceType: proto.ADVEncryptionType.E2EE }).finish(),
  );
  const accountSignature = sign(account.accountKey.private, Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, identityKey]));
  const signed = Buffer.from(
    proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: account.accountKey.public, accountSignature }).finish(),
  );
  const hmac = createHmac('sha256', advSecret).update(signed).digest();
  return { details, accountSignature, container: Buffer.from(proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish()) };
};

/**
 * The client must countersign the identity with its own identity key. Baileys cannot check the
 * account signature (see the notes), so the server checks both sides strictly here.
 */
const countersignatureValid = (
  reply: proto.IADVSignedDeviceIdentity,
  issued: { details: Buffer; accountSignature: Buffer },
  identityKey: Buffer,
  accountKey: Buffer,
): boolean => {
  if (!reply.details || !reply.deviceSignature || !reply.accountSignature) return false;
  if (!issued.details.equals(reply.details) || !issued.accountSignature.equals(reply.accountSignature)) return false;
  const signedBytes = Buffer.concat([WA_ADV_DEVICE_SIG_PREFIX, issued.details, identityKey, accountKey]);
  return verifyStrict(identityKey, signedBytes, reply.deviceSignature);
};

/** Links the waiting client to `account`: pair-success, countersignature, then "restart required". */
export const completePairing = async (
  ctx: SimContext,
  pending: PendingPairing,
  account: Account,
  advSecret: Buffer,
): Promise<LinkedDevice> => {
  const { conn } = pending;
  const deviceId = account.nextDeviceId;
  const issued = issueDeviceIdentity(account, pending.identityKey, deviceId, advSecret);
  const id = ctx.world.ids.hex('iq', 6);
  const reply = conn.awaitReply(id);
  conn.sendNode(
    node('iq', { from: 's.whatsapp.net', type: 'set', id, xmlns: 'md', t: nowSeconds() }, [
      node('pair-success', {}, [
        node('device-identity', {}, issued.container),
        node('platform', { name: 'smba' }),
        node('device', { jid: pnJid(account, deviceId), lid: lidJid(account, deviceId) }),
      ]),
    ]),
  );
  const answer = await reply;
  const signedBytes = bytesOf(getBinaryNodeChild(answer, 'pair-device-sign'), 'device-identity');
  const countersigned = signedBytes ? proto.ADVSignedDeviceIdentity.decode(signedBytes) : undefined;
  if (!countersigned || !countersignatureValid(countersigned, issued, pending.identityKey, account.accountKey.public)) {
    conn.sendNode(node('failure', { reason: '401', location: 'device-signature' }));
    conn.close();
    throw new Error('pairing refused: the device countersignature is invalid');
  }
  account.nextDeviceId++;
  const device: LinkedDevice = {
    id: deviceId,
    keyIndex: deviceId,
    noiseKey: pending.noiseKey,
    identityKey: pending.identityKey,
    registrationId: pending.registrationId,
    signedPreKey: pending.signedPreKey,
    preKeys: new Map(),
    needsHistorySync: true,
    platform: pending.platform,
  };
  account.devices.set(deviceId, device);
  ctx.pendingPairings.splice(ctx.pendingPairings.indexOf(pending), 1);
  conn.sendNode(streamError(RESTART_REQUIRED));
  conn.close();
  return device;
};
