import { type BinaryNode, getBinaryNodeChild } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { lidJid, pnJid } from '../world/account.ts';
import { answerRetry } from './retry.ts';

/** Receipt types that tell the original sender something; the rest are between a client and the server. */
const FORWARDED = new Set(['delivered', 'read', 'played']);

/**
 * A client that is not "active" (Baileys without presence) acknowledges delivery as `inactive`;
 * for the sender that is still a delivery.
 */
const senderFacing = (type: string): string => (type === 'inactive' ? 'delivered' : type);

/** A retry for a phone's message is answered by the phone; one for a linked device's goes to it. */
const handleRetry = async (ctx: SimContext, bound: NonNullable<Connection['bound']>, receipt: BinaryNode): Promise<void> => {
  const record = ctx.sentRecord(receipt.attrs.id ?? '');
  if (!record || record.sender === bound.account) return;
  if (record.deviceId === 0) {
    await answerRetry(ctx, record.sender, bound.account, bound.device, receipt);
    return;
  }
  const from = record.chat.endsWith('@lid') ? lidJid(bound.account) : pnJid(bound.account);
  const participant = record.chat.endsWith('@lid') ? lidJid(bound.account, bound.device.id) : pnJid(bound.account, bound.device.id);
  const attrs = { from, participant, id: receipt.attrs.id ?? '', type: 'retry', t: receipt.attrs.t ?? nowSeconds() };
  ctx.sendTo(record.sender, record.deviceId, node('receipt', attrs, receipt.content));
};

/**
 * A linked device acknowledges messages it received. Receipts for messages from another linked device
 * are forwarded to it; those for messages from a simulated phone are recorded on that phone.
 */
export const handleClientReceipt = async (ctx: SimContext, conn: Connection, receipt: BinaryNode): Promise<void> => {
  const bound = conn.bound;
  if (!bound) return;
  const type = senderFacing(receipt.attrs.type ?? 'delivered');
  const ids = [receipt.attrs.id ?? '', ...childNodes(getBinaryNodeChild(receipt, 'list')).map((item) => item.attrs.id ?? '')];
  conn.sendNode(node('ack', { class: 'receipt', id: receipt.attrs.id ?? '', from: receipt.attrs.to ?? '', ...(receipt.attrs.type ? { type: receipt.attrs.type } : {}) }));
  if (type === 'retry') return handleRetry(ctx, bound, receipt);
  if (!FORWARDED.has(type)) return;
  for (const id of ids) {
    const record = ctx.sentRecord(id);
    if (!record || record.sender === bound.account) continue;
    if (record.deviceId === 0) {
      record.sender.phoneDevice.ledger.recordReceipt(id, type);
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
