import { type BinaryNode, getBinaryNodeChild } from '../../whatsapp/protocol.ts';
import type { Connection } from '../server/connection.ts';
import { iqResult, node } from '../server/nodes.ts';

/** Baileys' QueryIds.REACHOUT_TIMELOCK (`Types/Mex.js`): "is this account restricted, until when?" */
const REACHOUT_TIMELOCK = '23983697327930364';
/** How long a simulated restriction claims to last; the control API lifts it whenever a test wants. */
const RESTRICTION_SECONDS = 24 * 60 * 60;

/**
 * The one GraphQL (w:mex) query the simulator answers: the account's reach-out timelock. It is how a
 * client tells a restricted account from a contact that wants a privacy token, since the server refuses
 * both sends with the same 463. Active restrictions report the enforcement the reports name
 * (RESTRICT_ALL_COMPANIONS, Baileys #2441). Returns false for other queries.
 */
export const handleMexIq = (conn: Connection, iq: BinaryNode): boolean => {
  const account = conn.bound?.account;
  if (!account || getBinaryNodeChild(iq, 'query')?.attrs.query_id !== REACHOUT_TIMELOCK) return false;
  const timelock = account.restricted
    ? { is_active: true, time_enforcement_ends: String(Math.floor(Date.now() / 1000) + RESTRICTION_SECONDS), enforcement_type: 'RESTRICT_ALL_COMPANIONS' }
    : { is_active: false, time_enforcement_ends: '0', enforcement_type: 'DEFAULT' };
  const body = JSON.stringify({ data: { xwa2_fetch_account_reachout_timelock: timelock } });
  conn.sendNode(iqResult(iq, [node('result', {}, Buffer.from(body))]));
  return true;
};
