import { proto } from '../../whatsapp/protocol.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';

/**
 * The INITIAL_BOOTSTRAP history sync a phone gives a newly linked device: no messages, but what the
 * device needs to keep writing to the people the account already talks to, as WhatsApp's phone does
 * today: for every existing chat the LID↔phone-number mapping (the phone knows the number from its
 * address book even where the server no longer discloses it) and the privacy token the contact granted
 * (`tcToken`, read by Baileys' storeTcTokensFromHistorySync). Chats are keyed by LID, as today's are.
 */
export const bootstrapHistory = (account: Account): Uint8Array => {
  const chats = [...account.chats.values()];
  return proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    progress: 100,
    phoneNumberToLidMappings: chats.map(({ contact }) => ({ pnJid: pnJid(contact), lidJid: lidJid(contact) })),
    conversations: chats.map(({ contact, tcToken, tcTokenTimestamp }) => ({
      id: lidJid(contact),
      pnJid: pnJid(contact),
      name: contact.name,
      tcToken,
      tcTokenTimestamp,
    })),
  }).finish();
};
