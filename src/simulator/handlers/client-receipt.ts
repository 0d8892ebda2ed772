import { type BinaryNode, getBinaryNodeChild } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { lidJid, pnJid } from '../world/account.ts';

/** Receipt types that tell the original sender something; the rest are between a client and the server. */
const FORWARDED = new Set(['delivered', 'read', 'played']);

/**
 * A linked device acknowledges messages it received. Receipts for messages from another linked device
 * are forwarded to it; those for messages from a simulated phone are recorded on that phone.
 */
export const handleClientReceipt = (ctx: SimContext, conn: Connection, receipt: BinaryNode): void => {
  const bound = conn.bound;
  if (!bound) return;
  const type = receipt.attrs.type ?? 'delivered';
  const ids = [receipt.attrs.id ?? '', ...childNodes(getBinaryNodeChild(receipt, 'list')).map((item) => item.attrs.id ?? '')];
  conn.sendNode(node('ack', { class: 'receipt', id: receipt.attrs.id ?? '', from: receipt.attrs.to ?? '', ...(receipt.attrs.type ? { type } : {}) }));
  if (!FORWARDED.has(type)) return;
  for (const id of ids) {
    const record = ctx.sentRecord(id);
    if (!record || record.sender === bound.account) continue;
    if (record.deviceId === 0) {
      const seen = record.sender.phoneDevice.receipts.get(id) ?? new Set<string>();
      seen.add(type);
      record.sender.phoneDevice.receipts.set(id, seen);
      continue;
    }
    const isGroup = record.chat.endsWith('@g.us');
    const reader = record.chat.endsWith('@lid') ? lidJid(bound.account) : pnJid(bound.account);
    ctx.sendTo(
      record.sender,
      record.deviceId,
      node('receipt', {
        from: isGroup ? record.chat : reader,
        id,
        t: nowSeconds(),
        ...(isGroup ? { participant: lidJid(bound.account) } : {}),
        ...(type === 'delivered' ? {} : { type }),
      }),
    );
  }
};
