import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, iqResult } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { companionFinish, companionHello, linkCodeStage } from './link-code.ts';

/** The `md` (multi-device) namespace: code pairing stages and a device logging itself out. */
export const handleMdIq = async (ctx: SimContext, conn: Connection, iq: BinaryNode): Promise<void> => {
  const reg = linkCodeStage(iq);
  if (reg?.attrs.stage === 'companion_hello') return companionHello(ctx, conn, iq, reg);
  if (reg?.attrs.stage === 'companion_finish') return companionFinish(ctx, conn, iq, reg);
  if (childNodes(iq)[0]?.tag === 'remove-companion-device' && conn.bound) {
    conn.bound.account.devices.delete(conn.bound.device.id);
    ctx.forgetDevice(conn.bound.account, conn.bound.device.id);
    conn.sendNode(iqResult(iq));
    conn.close();
    return;
  }
  conn.sendNode(iqResult(iq));
};
