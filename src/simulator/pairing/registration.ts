import { proto } from '../../whatsapp/protocol.ts';
import { verifyStrict, withKeyType } from '../crypto/curve.ts';
import type { Connection } from '../server/connection.ts';
import { node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';

const QR_REFS = 6;

/**
 * A client without credentials sends its identity and signed prekey in the ClientPayload. The signed
 * prekey must carry a valid signature by that identity (checked strictly); then the server hands out
 * QR refs with `pair-device` and keeps the client waiting for a scan or a pairing code.
 */
export const handleRegistration = (ctx: SimContext, conn: Connection, data: proto.ClientPayload.IDevicePairingRegistrationData): void => {
  const identityKey = Buffer.from(data.eIdent ?? []);
  const signedPreKeyPublic = Buffer.from(data.eSkeyVal ?? []);
  const signature = Buffer.from(data.eSkeySig ?? []);
  if (
    identityKey.length !== 32 ||
    signedPreKeyPublic.length !== 32 ||
    !verifyStrict(identityKey, withKeyType(signedPreKeyPublic), signature)
  ) {
    conn.sendNode(node('failure', { reason: '403', location: 'signed-prekey-signature' }));
    conn.close();
    return;
  }
  const platform = data.deviceProps ? (proto.DeviceProps.decode(data.deviceProps).os ?? 'unknown') : 'unknown';
  const refs = Array.from({ length: QR_REFS }, () => `2@${ctx.world.ids.hex('qr-ref', 24)}`);
  ctx.pendingPairings.push({
    id: ctx.world.ids.hex('pairing', 8),
    conn,
    refs,
    noiseKey: conn.clientStatic ?? Buffer.alloc(0),
    identityKey,
    registrationId: Buffer.from(data.eRegid ?? []).readUIntBE(0, 4),
    signedPreKey: {
      id: Buffer.from(data.eSkeyId ?? []).readUIntBE(0, 3),
      public: signedPreKeyPublic,
      signature,
    },
    platform,
    createdAt: Date.now(),
    refresh: { sent: [], acked: new Set(), retired: [] },
  });
  conn.sendNode(
    node('iq', { from: 's.whatsapp.net', type: 'set', id: ctx.world.ids.hex('iq', 6), xmlns: 'md' }, [
      node('pair-device', {}, refs.map((ref) => node('ref', {}, Buffer.from(ref)))),
    ]),
  );
};
