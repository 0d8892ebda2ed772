import { deflateSync } from 'node:zlib';
import { proto } from '../../whatsapp/protocol.ts';
import { phoneSendToDevice } from '../phone/deliver.ts';
import { bootstrapHistory } from './history-bootstrap.ts';
import type { Connection } from '../server/connection.ts';
import { node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';

/**
 * Ends the login sequence (the client has uploaded keys and checked its digest): whatever arrived
 * while the device was offline, the end-of-offline marker, then, once per newly linked device, an
 * initial history sync from the phone (no messages; the existing chats' mappings and privacy tokens).
 * Without it Baileys buffers every event for 20 s, and cannot write to contacts that want a token.
 */
export const finishLogin = async (ctx: SimContext, conn: Connection): Promise<void> => {
  const bound = conn.bound;
  if (!bound) return;
  const pending = ctx.takeOffline(bound.account, bound.device);
  for (const queued of pending) conn.sendNode({ ...queued, attrs: { ...queued.attrs, offline: '1' } });
  conn.sendNode(node('ib', { from: 's.whatsapp.net' }, [node('offline', { count: String(pending.length) })]));
  if (!bound.device.needsHistorySync) return;
  if (ctx.historySyncDelayMs > 0) {
    // A real phone takes a while to build the bootstrap; the link is usable (open) before it arrives.
    ctx.later(ctx.historySyncDelayMs, () => sendBootstrap(ctx, bound));
    return;
  }
  await sendBootstrap(ctx, bound);
};

const sendBootstrap = async (ctx: SimContext, bound: NonNullable<Connection['bound']>): Promise<void> => {
  const history = bootstrapHistory(bound.account);
  const { outcome } = await phoneSendToDevice(ctx, bound.account, bound.account, bound.device, {
    id: ctx.world.ids.hex('msg'),
    attrs: { category: 'peer' },
    message: {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: {
          syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
          initialHistBootstrapInlinePayload: deflateSync(history),
          chunkOrder: 0,
          progress: 100,
        },
      },
    },
  });
  if (outcome === 'sent') bound.device.needsHistorySync = false;
};
