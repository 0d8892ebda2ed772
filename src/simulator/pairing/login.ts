import type { proto } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { node, nowSeconds, streamConflict } from '../server/nodes.ts';
import { SimContext } from '../server/sim-context.ts';
import { lidJid } from '../world/account.ts';

const LOGGED_OUT = '401';

/**
 * A client with saved creds logs in as `username:device`. The device must be linked and present the
 * same Noise key it paired with; anything else is `<failure reason=401>`, which Baileys reports as
 * loggedOut. A second connection for the same device replaces the first (stream:error conflict, 440),
 * and is recorded as an overlap: the gateway's one-owner-per-session invariant is checked against it.
 */
export const handleLogin = (ctx: SimContext, conn: Connection, payload: proto.ClientPayload): void => {
  const phone = String(payload.username ?? '');
  const account = ctx.world.account(phone);
  const device = account?.devices.get(payload.device ?? 0);
  if (!account || !device || !conn.clientStatic?.equals(device.noiseKey)) {
    conn.sendNode(node('failure', { reason: LOGGED_OUT, location: 'sim' }));
    conn.close();
    return;
  }
  const key = SimContext.key(phone, device.id);
  const previous = ctx.connections.get(key);
  if (previous?.isOpen) {
    ctx.recordOverlap(key);
    previous.sendNode(streamConflict());
    previous.close();
  }
  ctx.connections.set(key, conn);
  conn.bound = { account, device };
  conn.sendNode(
    node('success', {
      t: nowSeconds(),
      lid: lidJid(account, device.id),
      display_name: account.name,
      location: 'sim',
      props: '1',
      abprops: '1',
      creation: nowSeconds(),
    }),
  );
};
