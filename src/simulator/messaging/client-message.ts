import { type BinaryNode, getBinaryNodeChild, type proto } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, type LinkedDevice, lidJid, pnJid } from '../world/account.ts';
import { handleGroupMessage } from '../groups/group-message.ts';
import { scheduleReceipts } from './receipts-out.ts';
import { requestRetry } from './retry.ts';
import { directSender } from './addressing.ts';
import { refusalOf } from './send-refusal.ts';

type EncType = 'pkmsg' | 'msg';

const encOf = (parent: BinaryNode): { type: EncType; ciphertext: Uint8Array } | undefined => {
  const enc = getBinaryNodeChild(parent, 'enc');
  const type = enc?.attrs.type;
  if (!(enc?.content instanceof Uint8Array) || (type !== 'pkmsg' && type !== 'msg')) return undefined;
  return { type, ciphertext: enc.content };
};

/** A copy for one of the sender's own devices carries the chat it belongs to. */
const unwrapOwnCopy = (message: proto.IMessage): proto.IMessage => message.deviceSentMessage?.message ?? message;

const deliverToPhone = async (ctx: SimContext, sender: Account, device: LinkedDevice, stanza: BinaryNode, target: Account, enc: { type: EncType; ciphertext: Uint8Array }) => {
  const id = stanza.attrs.id ?? '';
  const to = stanza.attrs.to ?? '';
  const message = await target.phoneDevice.decrypt(lidJid(sender, device.id), enc.type, enc.ciphertext);
  const own = target === sender;
  target.phoneDevice.inbox.add({
    id,
    chat: own ? (message.deviceSentMessage?.destinationJid ?? to) : pnJid(sender),
    from: pnJid(sender, device.id),
    receivedAt: Date.now(),
    message: own ? unwrapOwnCopy(message) : message,
  });
  if (!own) scheduleReceipts(ctx, { sender, deviceId: device.id, id, from: to });
};

/**
 * A phone that cannot decrypt asks the sender to retry with a fresh session (once per message); a
 * retried message that still fails is recorded as an error. Either way the other recipients proceed.
 */
const deliverOrRetry = async (ctx: SimContext, sender: Account, device: LinkedDevice, stanza: BinaryNode, target: Account, enc: { type: EncType; ciphertext: Uint8Array }) => {
  try {
    await deliverToPhone(ctx, sender, device, stanza, target, enc);
  } catch (error) {
    if (target.phoneDevice.ledger.firstRetryFor(stanza.attrs.id ?? '')) await requestRetry(ctx, sender, device, stanza, target);
    else ctx.reportError(`decrypt at ${target.phone}`, error);
  }
};

/** Relays ciphertext to another linked device, as WhatsApp's server does, without reading it. */
const relayToDevice = (ctx: SimContext, sender: Account, device: LinkedDevice, stanza: BinaryNode, target: Account, targetDevice: number, encNode: BinaryNode) => {
  const own = target === sender;
  ctx.sendTo(
    target,
    targetDevice,
    node(
      'message',
      {
        ...(own ? { from: pnJid(sender, device.id), sender_lid: lidJid(sender, device.id), recipient: stanza.attrs.to ?? '' } : directSender(ctx, sender, device.id)),
        id: stanza.attrs.id ?? '',
        t: nowSeconds(),
        type: stanza.attrs.type ?? 'text',
        notify: sender.name,
      },
      [encNode],
    ),
  );
};

/**
 * A 1:1 message from a linked device: acknowledged (or refused, see send-refusal.ts), then fanned
 * out per `<to>`: simulated phones decrypt it into their inbox and send receipts; other linked devices
 * get the ciphertext relayed.
 */
export const handleClientMessage = async (ctx: SimContext, conn: Connection, stanza: BinaryNode): Promise<void> => {
  const bound = conn.bound;
  if (!bound) return;
  const { account, device } = bound;
  const id = stanza.attrs.id ?? '';
  const to = stanza.attrs.to ?? '';
  const refusal = refusalOf(ctx, account, stanza);
  if (refusal) {
    conn.sendNode(node('ack', { class: 'message', id, from: to, t: nowSeconds(), error: refusal }));
    return;
  }
  conn.sendNode(node('ack', { class: 'message', id, from: to, t: nowSeconds() }));
  ctx.clientMessagesAcked++;
  if (to.endsWith('@g.us')) return handleGroupMessage(ctx, conn, stanza);
  if (stanza.attrs.category === 'peer') return;
  ctx.recordSent(id, { sender: account, deviceId: device.id, chat: to });
  for (const toNode of childNodes(getBinaryNodeChild(stanza, 'participants'))) {
    const target = ctx.world.resolve(toNode.attrs.jid ?? '');
    const encNode = getBinaryNodeChild(toNode, 'enc');
    const enc = encOf(toNode);
    if (!target || !encNode || !enc) continue;
    if (target.device !== 0) relayToDevice(ctx, account, device, stanza, target.account, target.device, encNode);
    else await deliverOrRetry(ctx, account, device, stanza, target.account, enc);
  }
};
