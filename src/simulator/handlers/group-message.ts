import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import type { SimContext } from '../server/sim-context.ts';

export const handleGroupMessage = async (_ctx: SimContext, _conn: Connection, _stanza: BinaryNode): Promise<void> => {};
