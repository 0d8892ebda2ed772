import { type BinaryNode, getBinaryNodeChild, KEY_BUNDLE_TYPE } from '../../whatsapp/protocol.ts';
import { verifyStrict, withKeyType } from '../crypto/curve.ts';
import type { Connection } from '../server/connection.ts';
import { bigEndian, bytesOf, childNodes, iqError, iqResult, node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { linkedDeviceBundle, type PreKeyBundle } from '../world/prekey-bundle.ts';
import type { LinkedDevice } from '../world/account.ts';

const readId = (parent: BinaryNode | undefined): number => bytesOf(parent, 'id')?.readUIntBE(0, 3) ?? -1;

/** Stores the prekeys a linked device uploads, after checking its signed prekey strictly. */
const upload = (device: LinkedDevice, iq: BinaryNode): BinaryNode => {
  const skey = getBinaryNodeChild(iq, 'skey');
  const signedPublic = bytesOf(skey, 'value');
  const signature = bytesOf(skey, 'signature');
  const identity = bytesOf(iq, 'identity');
  if (!signedPublic || !signature || !identity?.equals(device.identityKey)) return iqError(iq, 400, 'bad-request');
  if (!verifyStrict(device.identityKey, withKeyType(signedPublic), signature)) return iqError(iq, 406, 'bad-signature');
  device.signedPreKey = { id: readId(skey), public: signedPublic, signature };
  for (const key of childNodes(getBinaryNodeChild(iq, 'list'))) {
    const value = bytesOf(key, 'value');
    if (value) device.preKeys.set(readId(key), value);
  }
  return iqResult(iq);
};

const bundleNode = (jid: string, bundle: PreKeyBundle): BinaryNode =>
  node('user', { jid }, [
    node('registration', {}, bigEndian(bundle.registrationId, 4)),
    node('type', {}, KEY_BUNDLE_TYPE),
    node('identity', {}, bundle.identityKey),
    node('skey', {}, [
      node('id', {}, bigEndian(bundle.signedPreKey.id, 3)),
      node('value', {}, bundle.signedPreKey.public),
      node('signature', {}, bundle.signedPreKey.signature),
    ]),
    ...(bundle.preKey
      ? [node('key', {}, [node('id', {}, bigEndian(bundle.preKey.id, 3)), node('value', {}, bundle.preKey.public)])]
      : []),
  ]);

/** Any device's bundle by jid: simulated phones mint keys, linked devices spend uploaded ones. */
const bundleFor = async (ctx: SimContext, jid: string): Promise<PreKeyBundle | undefined> => {
  const found = ctx.world.resolve(jid);
  if (!found) return undefined;
  if (found.device === 0) return found.account.phoneDevice.bundle();
  const device = found.account.devices.get(found.device);
  return device && linkedDeviceBundle(device);
};

const fetchBundles = async (ctx: SimContext, iq: BinaryNode): Promise<BinaryNode> => {
  const users: BinaryNode[] = [];
  for (const user of childNodes(getBinaryNodeChild(iq, 'key'))) {
    const jid = user.attrs.jid ?? '';
    const bundle = await bundleFor(ctx, jid);
    users.push(bundle ? bundleNode(jid, bundle) : node('user', { jid }, [node('error', { code: '404', text: 'item-not-found' })]));
  }
  return iqResult(iq, [node('list', {}, users)]);
};

/** The `encrypt` namespace: prekey count, upload, fetch, digest and signed-prekey rotation. */
export const handleEncryptIq = async (ctx: SimContext, conn: Connection, iq: BinaryNode): Promise<void> => {
  const device = conn.bound?.device;
  if (!device) return conn.sendNode(iqError(iq, 401, 'not-authorized'));
  const first = childNodes(iq)[0]?.tag;
  if (iq.attrs.type === 'get' && first === 'count') {
    return conn.sendNode(iqResult(iq, [node('count', { value: String(device.preKeys.size) })]));
  }
  if (iq.attrs.type === 'get' && first === 'digest') {
    conn.sendNode(iqResult(iq, [node('digest', {}, [node('registration', {}, bigEndian(device.registrationId, 4))])]));
    return;
  }
  if (iq.attrs.type === 'get' && first === 'key') return conn.sendNode(await fetchBundles(ctx, iq));
  if (iq.attrs.type === 'set' && first === 'rotate') {
    const skey = getBinaryNodeChild(getBinaryNodeChild(iq, 'rotate'), 'skey');
    const value = bytesOf(skey, 'value');
    const signature = bytesOf(skey, 'signature');
    if (!value || !signature || !verifyStrict(device.identityKey, withKeyType(value), signature)) {
      return conn.sendNode(iqError(iq, 406, 'bad-signature'));
    }
    device.signedPreKey = { id: readId(skey), public: value, signature };
    return conn.sendNode(iqResult(iq));
  }
  if (iq.attrs.type === 'set') return conn.sendNode(upload(device, iq));
  conn.sendNode(iqError(iq, 400, 'bad-request'));
};
