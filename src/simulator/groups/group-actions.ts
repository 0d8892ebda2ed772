import type { BinaryNode } from '../../whatsapp/protocol.ts';
import { node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { Account } from '../world/account.ts';
import { type Group, isAdmin } from '../world/group.ts';
import { groupNode, notifyGroup, participantNode } from './group-nodes.ts';

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

/** Creates a group with `creator` as super admin and notifies everyone in it. */
export const createGroup = (ctx: SimContext, creator: Account, subject: string, members: Account[]): Group => {
  const jid = `120363${ctx.world.ids.bytes('group', 8).readBigUInt64BE(0) % 1_000_000_000_000n}@g.us`;
  const group: Group = {
    jid,
    subject,
    creator,
    createdAt: Date.now(),
    members: new Map([[creator.phone, { account: creator, role: 'superadmin' }]]),
    senderKeyHolders: new Map(),
  };
  for (const member of members) if (member !== creator) group.members.set(member.phone, { account: member, role: null });
  ctx.world.groups.set(jid, group);
  notifyGroup(ctx, group, creator, node('create', {}, [groupNode(group)]));
  return group;
};

/**
 * Applies one participant action by `actor`. Only admins may change others (leaving is `remove` of
 * oneself); each target gets a per-participant result, and the group gets one notification.
 */
export const updateParticipants = (ctx: SimContext, group: Group, actor: Account, action: ParticipantAction, targets: Account[]): BinaryNode[] => {
  const results: BinaryNode[] = [];
  const changed: Account[] = [];
  const selfLeave = action === 'remove' && targets.length === 1 && targets[0] === actor;
  for (const target of targets) {
    const member = group.members.get(target.phone);
    let error: string | undefined;
    if (!selfLeave && !isAdmin(group, actor)) error = '403';
    else if (action === 'add' && member) error = '409';
    else if (action !== 'add' && !member) error = '404';
    if (error) {
      results.push(node('participant', { jid: participantNode(target).attrs.jid ?? '', error }));
      continue;
    }
    if (action === 'add') group.members.set(target.phone, { account: target, role: null });
    if (action === 'remove') group.members.delete(target.phone);
    if (member && action === 'promote') member.role = 'admin';
    if (member && action === 'demote') member.role = null;
    changed.push(target);
    results.push(participantNode(target));
  }
  if (changed.length) {
    notifyGroup(ctx, group, actor, node(action, {}, changed.map((a) => participantNode(a))), action === 'remove' ? changed : []);
  }
  if (action === 'remove') forgetSenderKeys(group, changed);
  return results;
};

/** Removed members lose their sender keys, so a later re-add gets fresh distribution messages. */
const forgetSenderKeys = (group: Group, removed: Account[]): void => {
  for (const holders of group.senderKeyHolders.values()) {
    for (const key of [...holders]) {
      if (removed.some((a) => key.startsWith(`${a.phone}:`))) holders.delete(key);
    }
  }
};
