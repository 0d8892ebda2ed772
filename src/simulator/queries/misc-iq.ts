import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { childNodes, iqError, iqResult, node } from '../server/nodes.ts';

const PRIVACY_DEFAULTS: Record<string, string> = {
  readreceipts: 'all',
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  groupadd: 'all',
  calladd: 'all',
};

const emptyCollections = (iq: BinaryNode): BinaryNode[] => {
  const sync = childNodes(iq).find((c) => c.tag === 'sync');
  return [
    node(
      'sync',
      {},
      childNodes(sync).map((c) => node('collection', { name: c.attrs.name ?? '', version: c.attrs.version ?? '0' })),
    ),
  ];
};

/**
 * The queries a client fires around login that the simulator answers with fixed, empty data:
 * keep-alive, passive mode, AB props, blocklist, privacy settings and app-state sync with no patches
 * (so Baileys finishes its initial sync instead of waiting).
 */
export const handleMiscIq = (conn: Connection, iq: BinaryNode): boolean => {
  const xmlns = iq.attrs.xmlns ?? '';
  const first = childNodes(iq)[0];
  switch (xmlns) {
    case 'w:p':
    case 'passive':
    case 'w:stats':
    case 'status':
    case 'urn:xmpp:whatsapp:dirty':
      conn.sendNode(iqResult(iq));
      return true;
    case 'abt':
    case 'w':
      conn.sendNode(iqResult(iq, [node('props', { protocol: '1', hash: 'sim' }, [])]));
      return true;
    case 'blocklist':
      conn.sendNode(iqResult(iq, [node('list', {}, [])]));
      return true;
    case 'privacy':
      if (iq.attrs.type === 'set') conn.sendNode(iqResult(iq));
      else conn.sendNode(iqResult(iq, [node('privacy', {}, Object.entries(PRIVACY_DEFAULTS).map(([name, value]) => node('category', { name, value })))]));
      return true;
    case 'w:sync:app:state':
      conn.sendNode(iqResult(iq, emptyCollections(iq)));
      return true;
    case 'w:profile:picture':
      conn.sendNode(iqError(iq, 404, 'item-not-found'));
      return true;
    default:
      if (first?.tag === 'ping') {
        conn.sendNode(iqResult(iq));
        return true;
      }
      return false;
  }
};
