import { type BinaryNode, getBinaryNodeChild } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, iqResult, node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';

/** Device 0 is the phone; linked devices need a key index or Baileys drops them. */
const devicesNode = (account: Account): BinaryNode =>
  node('devices', {}, [
    node('device-list', {}, [
      node('device', { id: '0' }),
      ...[...account.devices.values()].map((d) => node('device', { id: String(d.id), 'key-index': String(d.keyIndex) })),
    ]),
    node('key-index-list', { ts: nowSeconds() }),
  ]);

const protocolNode = (protocol: string, account: Account | undefined): BinaryNode | undefined => {
  switch (protocol) {
    case 'devices':
      return account && devicesNode(account);
    case 'lid':
      return account && node('lid', { val: lidJid(account) });
    case 'contact':
      return node('contact', { type: account ? 'in' : 'out' });
    case 'status':
      return account && node('status', { t: nowSeconds() }, Buffer.from('Hey there! I am using WhatsApp.'));
    case 'disappearing_mode':
      return node('disappearing_mode', { duration: '0', t: '0' });
    default:
      return undefined;
  }
};

/** Finds who a `<user>` asks about: by jid, or by `+phone` in a contact child. */
const lookup = (ctx: SimContext, user: BinaryNode): { jid: string; account?: Account } => {
  if (user.attrs.jid) return { jid: user.attrs.jid, account: ctx.world.resolve(user.attrs.jid)?.account };
  const contact = getBinaryNodeChild(user, 'contact')?.content;
  const phone = (contact instanceof Uint8Array ? Buffer.from(contact).toString() : String(contact ?? '')).replace(/\D/g, '');
  const account = ctx.world.account(phone);
  return { jid: account ? pnJid(account) : `${phone}@s.whatsapp.net`, account };
};

/** usync: devices, LIDs and "is on WhatsApp" for a list of users. */
export const handleUsyncIq = (ctx: SimContext, conn: Connection, iq: BinaryNode): void => {
  const usync = getBinaryNodeChild(iq, 'usync');
  const protocols = childNodes(getBinaryNodeChild(usync, 'query')).map((q) => q.tag);
  const users = childNodes(getBinaryNodeChild(usync, 'list')).map((user) => {
    const { jid, account } = lookup(ctx, user);
    const content = protocols.flatMap((p) => protocolNode(p, account) ?? []);
    return node('user', { jid }, content);
  });
  conn.sendNode(
    iqResult(iq, [
      node('usync', { sid: usync?.attrs.sid ?? '', mode: usync?.attrs.mode ?? 'query', context: usync?.attrs.context ?? '', last: 'true', index: '0' }, [
        node('result', {}, protocols.map((p) => node(p, {}))),
        node('list', {}, users),
      ]),
    ]),
  );
};
