import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { iqError, iqResult, node } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';

/** `w:m` media_conn: where to upload media, with an auth token and how long it is valid. */
export const handleMediaConnIq = (ctx: SimContext, conn: Connection, iq: BinaryNode): void => {
  if (!ctx.media) return conn.sendNode(iqError(iq, 503, 'service-unavailable'));
  conn.sendNode(
    iqResult(iq, [
      node('media_conn', { auth: ctx.world.ids.hex('media-auth', 16), ttl: '3600', auth_ttl: '3600', max_buckets: '1' }, [
        node('host', { hostname: ctx.media.host, maxContentLengthBytes: String(100 * 1024 * 1024) }),
      ]),
    ]),
  );
};
