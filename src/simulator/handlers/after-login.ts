import { deflateSync } from 'node:zlib';
import { proto } from '../../whatsapp/protocol.ts';
import { phoneSendToDevice } from '../phone/deliver.ts';
import type { Connection } from '../server/connection.ts';
import { node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';

/**
 * Ends the login sequence (the client has uploaded keys and checked its digest): "no offline
 * messages", then, once per newly linked device, an empty initial history sync from the phone. Without
 * it Baileys buffers every event for 20 s waiting for history.
 */
export const finishLogin = async (ctx: SimContext, conn: Connection): Promise<void> => {
  const bound = conn.bound;
  if (!bound) return;
  conn.sendNode(node('ib', { from: 's.whatsapp.net' }, [node('offline', { count: '0' })]));
  if (!bound.device.needsHistorySync) return;
  const history = proto.HistorySync.encode({ syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP, progress: 100 }).finish();
  const sent = await phoneSendToDevice(ctx, bound.account, bound.account, bound.device, {
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
  if (sent) bound.device.needsHistorySync = false;
};
