import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { iqError } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';

export const handleMediaConnIq = (_ctx: SimContext, conn: Connection, iq: BinaryNode): void => {
  conn.sendNode(iqError(iq, 501, 'not-implemented'));
};
