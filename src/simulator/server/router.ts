import type { BinaryNode } from '../../whatsapp/protocol.ts';
import { finishLogin } from '../pairing/after-login.ts';
import { handleClientMessage } from '../messaging/client-message.ts';
import { handleClientReceipt } from '../messaging/client-receipt.ts';
import { handleGroupIq } from '../groups/group-iq.ts';
import { handleMdIq } from '../pairing/md-iq.ts';
import { noteRefreshAck } from '../pairing/registration-refresh.ts';
import { handleMediaConnIq } from '../media/media-conn.ts';
import { handleMiscIq } from '../queries/misc-iq.ts';
import { handleMexIq } from '../queries/mex.ts';
import { handleEncryptIq } from '../queries/prekeys.ts';
import { handleUsyncIq } from '../queries/usync.ts';
import type { Connection } from './connection.ts';
import { childNodes, iqResult } from './nodes.ts';
import type { SimContext } from './sim-context.ts';

const routeIq = async (ctx: SimContext, conn: Connection, iq: BinaryNode): Promise<void> => {
  if ((iq.attrs.type === 'result' || iq.attrs.type === 'error') && conn.settleReply(iq)) return;
  if (iq.attrs.type === 'result' || iq.attrs.type === 'error') return;
  const xmlns = iq.attrs.xmlns ?? '';
  if (xmlns === 'md') return handleMdIq(ctx, conn, iq);
  if (!conn.bound) return conn.sendNode(iqResult(iq));
  switch (xmlns) {
    case 'encrypt':
      await handleEncryptIq(ctx, conn, iq);
      // The digest check is the last step of Baileys' login sequence.
      if (childNodes(iq)[0]?.tag === 'digest') await finishLogin(ctx, conn);
      return;
    case 'usync':
      return handleUsyncIq(ctx, conn, iq);
    case 'w:g2':
      return handleGroupIq(ctx, conn, iq);
    case 'w:m':
      return handleMediaConnIq(ctx, conn, iq);
    case 'w:mex':
      if (!handleMexIq(conn, iq)) conn.sendNode(iqResult(iq));
      return;
    default:
      // Unknown queries get an empty result so the client never waits out its query timeout.
      if (!handleMiscIq(conn, iq)) conn.sendNode(iqResult(iq));
  }
};

/** Dispatches one decrypted node from a client to the handler for its kind. */
export const routeNode = async (ctx: SimContext, conn: Connection, node: BinaryNode): Promise<void> => {
  switch (node.tag) {
    case 'iq':
      return routeIq(ctx, conn, node);
    case 'message':
      return conn.bound ? handleClientMessage(ctx, conn, node) : undefined;
    case 'receipt':
      return conn.bound ? handleClientReceipt(ctx, conn, node) : undefined;
    case 'ack':
      // Only one ack matters before pairing: the companion's for a registration refresh.
      if (node.attrs.class === 'notification' && node.attrs.id) noteRefreshAck(ctx, conn, node.attrs.id);
      return;
    default:
      // presence, chatstate and telemetry need no answer.
      return;
  }
};
