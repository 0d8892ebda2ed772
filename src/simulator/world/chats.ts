import type { Account, ExistingChat } from './account.ts';
import type { IdSource } from './ids.ts';

/**
 * Opens `owner`'s chat with `contact` if it has none, minting the privacy token the contact grants
 * (a deterministic id, like every other one). Returns the chat and whether it is new.
 */
export const openChat = (ids: IdSource, owner: Account, contact: Account, at = Math.floor(Date.now() / 1000)): { chat: ExistingChat; opened: boolean } => {
  const existing = owner.chats.get(contact.phone);
  if (existing) return { chat: existing, opened: false };
  const chat: ExistingChat = { contact, tcToken: ids.bytes('tctoken', 24), tcTokenTimestamp: at };
  owner.chats.set(contact.phone, chat);
  return { chat, opened: true };
};

/** Whether `presented` is the token `contact` granted `owner`. */
export const holdsToken = (owner: Account, contact: Account, presented: Uint8Array | undefined): boolean => {
  const token = owner.chats.get(contact.phone)?.tcToken;
  return !!token && !!presented && token.equals(Buffer.from(presented));
};
