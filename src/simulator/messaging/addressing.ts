import type { Addressing, SimContext } from '../server/sim-context.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';

/**
 * How the server names the sender of a 1:1 message to someone else. Today's server addresses by LID
 * and adds `sender_pn` only while it still discloses the number; the older one addressed by phone
 * number with `sender_lid` beside it. Baileys learns the LID↔phone mapping from whichever alt it gets
 * (`Utils/decode-wa-message.js` extractAddressingContext); without one it has only its stored mappings.
 */
export const directSender = (ctx: SimContext, sender: Account, device = 0): Record<string, string> =>
  ctx.addressing === 'lid'
    ? { from: lidJid(sender, device), ...disclosedPn('sender_pn', sender) }
    : { from: pnJid(sender, device), sender_lid: lidJid(sender, device) };

/** `{[attribute]: phone-number jid}`, or nothing for someone whose number the server no longer discloses. */
export const disclosedPn = (attribute: string, account: Account, device = 0): Record<string, string> =>
  account.hidesPhoneNumber ? {} : { [attribute]: pnJid(account, device) };

/**
 * The jid a receiving Baileys takes for `sender` from the envelope (`getKeyAuthor`: the alt first):
 * what a poll vote must be sealed for. 1:1 by phone number, the alt is the LID; by LID, the alt is the
 * disclosed phone number; groups carry `participant_pn` where disclosed, the LID otherwise.
 */
export const envelopeAuthor = (addressing: Addressing, sender: Account, group: boolean): string => {
  if (!group && addressing === 'pn') return lidJid(sender);
  return sender.hidesPhoneNumber ? lidJid(sender) : pnJid(sender);
};
