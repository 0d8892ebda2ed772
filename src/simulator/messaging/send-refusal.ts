import { type BinaryNode, getBinaryNodeChild } from '../../whatsapp/protocol.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { Account } from '../world/account.ts';
import { holdsToken } from '../world/chats.ts';

/**
 * WhatsApp refuses both kinds of send below with the same ack error, 463: Baileys rc14 reads it as
 * "account restricted or missing tctoken" (`Socket/messages-recv.js` handleBadAck), and the reports
 * (Baileys #2441, #2707; WAHA #1992, #2050) see one code for both. The server tells them apart only
 * through the account's reach-out timelock (`queries/mex.ts`).
 */
const REFUSED = '463';

/** The presented privacy token, if the stanza carries one. */
const tokenOf = (stanza: BinaryNode): Uint8Array | undefined => {
  const content = getBinaryNodeChild(stanza, 'tctoken')?.content;
  return content instanceof Uint8Array ? content : undefined;
};

/**
 * Why the server refuses a linked device's message, or undefined to take it: the sender is restricted
 * (every send), or it writes 1:1 to someone who requires a privacy token without the one that person
 * granted it.
 */
export const refusalOf = (ctx: SimContext, sender: Account, stanza: BinaryNode): string | undefined => {
  if (sender.restricted) return REFUSED;
  const to = stanza.attrs.to ?? '';
  if (to.endsWith('@g.us') || stanza.attrs.category === 'peer') return undefined;
  const target = ctx.world.resolve(to)?.account;
  if (!target || target === sender || !target.requiresToken) return undefined;
  return holdsToken(sender, target, tokenOf(stanza)) ? undefined : REFUSED;
};
