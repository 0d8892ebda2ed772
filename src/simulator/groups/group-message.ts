import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, type LinkedDevice, lidJid } from '../world/account.ts';
import { disclosedPn } from '../messaging/addressing.ts';
import type { Group } from '../world/group.ts';
import { scheduleReceipts } from '../messaging/receipts-out.ts';
import { requestRetry } from '../messaging/retry.ts';

type EncType = 'pkmsg' | 'msg';
const isPairwise = (type: string | undefined): type is EncType => type === 'pkmsg' || type === 'msg';

/**
 * A simulated phone in the group: first the pairwise message carrying the sender key (if this
 * stanza has one for it), then the group ciphertext, decrypted into its inbox.
 */
const deliverToPhone = async (ctx: SimContext, group: Group, sender: Account, device: LinkedDevice, stanza: BinaryNode, member: Account, pairwise: BinaryNode | undefined, skmsg: Uint8Array) => {
  const author = lidJid(sender, device.id);
  const phone = member.phoneDevice;
  if (pairwise?.content instanceof Uint8Array && isPairwise(pairwise.attrs.type)) {
    const carrier = await phone.decrypt(author, pairwise.attrs.type, pairwise.content);
    if (carrier.senderKeyDistributionMessage) await phone.processSenderKey(author, carrier.senderKeyDistributionMessage);
  }
  const message = await phone.decryptGroup(group.jid, author, skmsg);
  phone.inbox.add({ id: stanza.attrs.id ?? '', chat: group.jid, from: author, receivedAt: Date.now(), message });
  if (member !== sender) scheduleReceipts(ctx, { sender, deviceId: device.id, id: stanza.attrs.id ?? '', from: group.jid, participant: lidJid(member) });
};

/**
 * A group message from a linked device: one `skmsg` for everyone plus, per device that lacks the
 * sender's key, a pairwise `<to>` with the distribution message. Simulated phones decrypt; linked
 * devices get both ciphertexts relayed, addressed by LID as WhatsApp's LID groups are.
 */
export const handleGroupMessage = async (ctx: SimContext, conn: Connection, stanza: BinaryNode): Promise<void> => {
  const bound = conn.bound;
  const group = ctx.world.groups.get(stanza.attrs.to ?? '');
  const skmsg = getBinaryNodeChildren(stanza, 'enc').find((e) => e.attrs.type === 'skmsg');
  if (!bound || !group || !group.members.has(bound.account.phone) || !(skmsg?.content instanceof Uint8Array)) return;
  const { account: sender, device } = bound;
  ctx.recordSent(stanza.attrs.id ?? '', { sender, deviceId: device.id, chat: group.jid });
  const pairwiseFor = new Map<string, BinaryNode>();
  for (const to of childNodes(getBinaryNodeChild(stanza, 'participants'))) {
    const target = ctx.world.resolve(to.attrs.jid ?? '');
    const enc = getBinaryNodeChild(to, 'enc');
    if (target && enc) pairwiseFor.set(`${target.account.phone}:${target.device}`, enc);
  }
  for (const { account: member } of group.members.values()) {
    await deliverToPhone(ctx, group, sender, device, stanza, member, pairwiseFor.get(`${member.phone}:0`), skmsg.content).catch(async (error: unknown) => {
      // Like 1:1: one retry with a fresh bundle, after which the sender re-sends with a new sender key.
      if (member.phoneDevice.ledger.firstRetryFor(stanza.attrs.id ?? '')) await requestRetry(ctx, sender, device, stanza, member);
      else ctx.reportError(`group decrypt at ${member.phone}`, error);
    });
    for (const target of member.devices.values()) {
      if (member === sender && target.id === device.id) continue;
      const pairwise = pairwiseFor.get(`${member.phone}:${target.id}`);
      ctx.sendTo(
        member,
        target,
        node(
          'message',
          {
            from: group.jid,
            participant: lidJid(sender, device.id),
            ...disclosedPn('participant_pn', sender, device.id),
            addressing_mode: 'lid',
            id: stanza.attrs.id ?? '',
            t: nowSeconds(),
            type: stanza.attrs.type ?? 'text',
            notify: sender.name,
          },
          [...(pairwise ? [pairwise] : []), skmsg],
        ),
      );
    }
  }
};
