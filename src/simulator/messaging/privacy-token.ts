import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';
import { openChat } from '../world/chats.ts';

/**
 * `contact` grants `owner` a privacy token, as a person's WhatsApp does when they start a chat: the
 * chat opens and the owner's linked devices get the token in a `privacy_token` notification (kept
 * for offline ones), which Baileys stores (`Socket/messages-recv.js` handlePrivacyTokenNotification).
 * Devices linked later get it from the history sync instead. Nothing happens if the chat exists.
 */
export const grantToken = (ctx: SimContext, owner: Account, contact: Account): void => {
  const { chat, opened } = openChat(ctx.world.ids, owner, contact);
  if (!opened) return;
  ctx.changed();
  const t = String(chat.tcTokenTimestamp);
  const notification = node('notification', { from: lidJid(contact), type: 'privacy_token', id: ctx.world.ids.hex('notif', 8), t: nowSeconds() }, [
    node('tokens', {}, [node('token', { jid: pnJid(owner), t, type: 'trusted_contact' }, chat.tcToken)]),
  ]);
  for (const device of owner.devices.values()) ctx.sendTo(owner, device, notification);
};
