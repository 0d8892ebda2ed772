import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, iqError, iqResult, node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { Account } from '../world/account.ts';
import { createGroup, type ParticipantAction, updateParticipants } from './group-actions.ts';
import { groupNode, notifyGroup } from './group-nodes.ts';

const ACTIONS: readonly string[] = ['add', 'remove', 'promote', 'demote'];
const isAction = (tag: string): tag is ParticipantAction => ACTIONS.includes(tag);

const accountsOf = (ctx: SimContext, parent: BinaryNode | undefined): Account[] =>
  childNodes(parent).flatMap((p) => ctx.world.resolve(p.attrs.jid ?? '')?.account ?? []);

/** `w:g2` queries addressed to `@g.us`: create, list the groups one is in, leave. */
const handleGroupsRoot = (ctx: SimContext, conn: Connection, iq: BinaryNode, me: Account): void => {
  const first = childNodes(iq)[0];
  if (first?.tag === 'create') {
    const group = createGroup(ctx, me, first.attrs.subject ?? '', accountsOf(ctx, first));
    return conn.sendNode(iqResult(iq, [groupNode(group)]));
  }
  if (first?.tag === 'participating') {
    const mine = [...ctx.world.groups.values()].filter((g) => g.members.has(me.phone));
    return conn.sendNode(iqResult(iq, [node('groups', {}, mine.map(groupNode))]));
  }
  if (first?.tag === 'leave') {
    for (const g of childNodes(first)) {
      const group = ctx.world.groups.get(g.attrs.id ?? '');
      if (group) updateParticipants(ctx, group, me, 'remove', [me]);
    }
    return conn.sendNode(iqResult(iq));
  }
  conn.sendNode(iqError(iq, 501, 'not-implemented'));
};

/** Groups: create, metadata, participant changes, subject and leave, each with its notifications. */
export const handleGroupIq = (ctx: SimContext, conn: Connection, iq: BinaryNode): void => {
  const me = conn.bound?.account;
  if (!me) return;
  if (iq.attrs.to === '@g.us') return handleGroupsRoot(ctx, conn, iq, me);
  const group = ctx.world.groups.get(iq.attrs.to ?? '');
  if (!group) return conn.sendNode(iqError(iq, 404, 'item-not-found'));
  if (!group.members.has(me.phone)) return conn.sendNode(iqError(iq, 403, 'forbidden'));
  const first = childNodes(iq)[0];
  if (first?.tag === 'query') return conn.sendNode(iqResult(iq, [groupNode(group)]));
  if (first && isAction(first.tag)) {
    const results = updateParticipants(ctx, group, me, first.tag, accountsOf(ctx, first));
    return conn.sendNode(iqResult(iq, [node(first.tag, {}, results)]));
  }
  if (first?.tag === 'subject') {
    const subject = Buffer.from(first.content instanceof Uint8Array ? first.content : []).toString();
    group.subject = subject;
    notifyGroup(ctx, group, me, node('subject', { subject, s_t: String(Math.floor(Date.now() / 1000)) }));
    return conn.sendNode(iqResult(iq));
  }
  conn.sendNode(iqError(iq, 501, 'not-implemented'));
};
