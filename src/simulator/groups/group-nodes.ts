import type { BinaryNode } from '../../whatsapp/protocol.ts';
import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, lidJid } from '../world/account.ts';
import { disclosedPn } from '../messaging/addressing.ts';
import type { Group, GroupRole } from '../world/group.ts';

/** Groups are LID-addressed, as WhatsApp's are now: members are named by LID, with their phone number alongside where it is disclosed. */
export const participantNode = (account: Account, role?: GroupRole): BinaryNode =>
  node('participant', { jid: lidJid(account), ...disclosedPn('phone_number', account), ...(role ? { type: role } : {}) });

export const groupNode = (group: Group): BinaryNode =>
  node(
    'group',
    {
      id: group.jid.split('@')[0] ?? group.jid,
      subject: group.subject,
      s_t: String(Math.floor(group.createdAt / 1000)),
      s_o: lidJid(group.creator),
      creation: String(Math.floor(group.createdAt / 1000)),
      creator: lidJid(group.creator),
      ...disclosedPn('creator_pn', group.creator),
      addressing_mode: 'lid',
      size: String(group.members.size),
    },
    [...group.members.values()].map(({ account, role }) => participantNode(account, role)),
  );

/**
 * Tells every online linked device of every member (plus `extra`, e.g. people just removed) about a
 * change, as a `w:gp2` notification carrying `change`.
 */
export const notifyGroup = (ctx: SimContext, group: Group, actor: Account, change: BinaryNode, extra: Account[] = []): void => {
  const notification = node(
    'notification',
    { from: group.jid, type: 'w:gp2', id: ctx.world.ids.hex('notif', 8), participant: lidJid(actor), ...disclosedPn('participant_pn', actor), t: nowSeconds() },
    [change],
  );
  const audience = new Set([...[...group.members.values()].map((m) => m.account), ...extra]);
  for (const account of audience) {
    for (const device of account.devices.values()) ctx.sendTo(account, device, notification);
  }
};
