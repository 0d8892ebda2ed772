import { type BinaryNode, getBinaryNodeChild, KEY_BUNDLE_TYPE } from '../../whatsapp/protocol.ts';
import { bigEndian, bytesOf, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, type LinkedDevice, lidJid, pnJid } from '../world/account.ts';
import { linkedDeviceBundle, type PreKeyBundle } from '../world/prekey-bundle.ts';
import { directSender } from './addressing.ts';

/**
 * A simulated phone could not decrypt a linked device's message (it lost its session or sender key):
 * it asks the sender to retry and hands over a fresh bundle, so the sender can open a new session, as
 * phones do. In a group the receipt comes from the group, naming the phone as participant.
 */
export const requestRetry = async (ctx: SimContext, sender: Account, device: LinkedDevice, stanza: BinaryNode, phoneOwner: Account): Promise<void> => {
  const bundle = await phoneOwner.phoneDevice.bundle();
  const id = stanza.attrs.id ?? '';
  const to = stanza.attrs.to ?? pnJid(phoneOwner);
  const from: Record<string, string> = to.endsWith('@g.us') ? { from: to, participant: lidJid(phoneOwner) } : { from: to };
  ctx.sendTo(
    sender,
    device,
    node('receipt', { ...from, id, type: 'retry', t: nowSeconds() }, [
      node('retry', { count: '1', id, t: stanza.attrs.t ?? nowSeconds(), v: '1' }),
      node('registration', {}, bigEndian(bundle.registrationId, 4)),
      node('keys', {}, [
        node('type', {}, KEY_BUNDLE_TYPE),
        node('identity', {}, bundle.identityKey),
        ...(bundle.preKey ? [node('key', {}, [node('id', {}, bigEndian(bundle.preKey.id, 3)), node('value', {}, bundle.preKey.public)])] : []),
        node('skey', {}, [
          node('id', {}, bigEndian(bundle.signedPreKey.id, 3)),
          node('value', {}, bundle.signedPreKey.public),
          node('signature', {}, bundle.signedPreKey.signature),
        ]),
      ]),
    ]),
  );
};

/** The bundle a retry receipt carries, if it carries one. */
const bundleFromReceipt = (receipt: BinaryNode): PreKeyBundle | undefined => {
  const keys = getBinaryNodeChild(receipt, 'keys');
  const skey = getBinaryNodeChild(keys, 'skey');
  const identity = bytesOf(keys, 'identity');
  const registration = bytesOf(receipt, 'registration');
  const signed = { id: bytesOf(skey, 'id'), public: bytesOf(skey, 'value'), signature: bytesOf(skey, 'signature') };
  if (!identity || !registration || !signed.id || !signed.public || !signed.signature) return undefined;
  const key = getBinaryNodeChild(keys, 'key');
  const preKeyId = bytesOf(key, 'id');
  const preKeyPublic = bytesOf(key, 'value');
  return {
    registrationId: registration.readUIntBE(0, registration.length),
    identityKey: identity,
    signedPreKey: { id: signed.id.readUIntBE(0, 3), public: signed.public, signature: signed.signature },
    preKey: preKeyId && preKeyPublic ? { id: preKeyId.readUIntBE(0, 3), public: preKeyPublic } : undefined,
  };
};

/**
 * A linked device could not decrypt a phone's message (it lost the session, e.g. restored old state):
 * the phone opens a new session, from the receipt's keys or the device's uploaded ones, and sends the
 * same message again as a `pkmsg`.
 */
export const answerRetry = async (ctx: SimContext, phoneOwner: Account, requester: Account, device: LinkedDevice, receipt: BinaryNode): Promise<boolean> => {
  const id = receipt.attrs.id ?? '';
  const message = phoneOwner.phoneDevice.ledger.sentMessage(id);
  if (!message) return false;
  const phone = phoneOwner.phoneDevice;
  const address = lidJid(requester, device.id);
  await phone.openSession(address, bundleFromReceipt(receipt) ?? linkedDeviceBundle(device));
  const { type, ciphertext } = await phone.encrypt(address, message);
  const count = getBinaryNodeChild(receipt, 'retry')?.attrs.count ?? '1';
  const attrs = { ...directSender(ctx, phoneOwner), id, t: nowSeconds(), type: 'text', notify: phoneOwner.name };
  ctx.sendTo(requester, device, node('message', attrs, [node('enc', { v: '2', type, count }, Buffer.from(ciphertext))]));
  return true;
};
