import type { proto } from '../../whatsapp/protocol.ts';
import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, lidJid } from '../world/account.ts';
import { disclosedPn } from '../messaging/addressing.ts';
import type { Group } from '../world/group.ts';
import { linkedDeviceBundle } from '../world/prekey-bundle.ts';

/**
 * A simulated phone sends to a group: one sender-key ciphertext, plus a pairwise `pkmsg`/`msg` with
 * the sender key to each linked device that does not hold it yet. Other simulated phones in the group
 * get the plaintext straight into their inbox.
 */
export const phoneSendToGroup = async (ctx: SimContext, sender: Account, group: Group, id: string, message: proto.IMessage): Promise<number> => {
  const phone = sender.phoneDevice;
  const author = lidJid(sender);
  const { ciphertext, senderKeyDistributionMessage } = await phone.encryptGroup(group.jid, author, message);
  const holders = group.senderKeyHolders.get(sender.phone) ?? new Set<string>();
  group.senderKeyHolders.set(sender.phone, holders);
  let delivered = 0;
  for (const { account: member } of group.members.values()) {
    if (member !== sender) member.phoneDevice.inbox.add({ id, chat: group.jid, from: author, receivedAt: Date.now(), message });
    for (const device of member.devices.values()) {
      const key = `${member.phone}:${device.id}`;
      const children = [];
      if (!holders.has(key)) {
        const address = lidJid(member, device.id);
        if (!(await phone.hasSession(address))) await phone.openSession(address, linkedDeviceBundle(device));
        const carrier = await phone.encrypt(address, { senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: senderKeyDistributionMessage } });
        children.push(node('enc', { v: '2', type: carrier.type }, Buffer.from(carrier.ciphertext)));
        holders.add(key);
      }
      children.push(node('enc', { v: '2', type: 'skmsg' }, Buffer.from(ciphertext)));
      const attrs = { from: group.jid, participant: author, ...disclosedPn('participant_pn', sender), addressing_mode: 'lid', id, t: nowSeconds(), type: 'text', notify: sender.name };
      if (ctx.sendTo(member, device, node('message', attrs, children)) !== 'dropped') delivered++;
    }
  }
  return delivered;
};
