import { createHash, createHmac, randomBytes } from 'node:crypto';
import { proto } from '../../whatsapp/protocol.ts';
import { gcmEncrypt } from '../noise/noise-handshake.ts';

interface PollVoteContext {
  readonly pollMsgId: string;
  /** The poll's message secret (`messageContextInfo.messageSecret`). */
  readonly pollEncKey: Uint8Array;
  readonly pollCreatorJid: string;
  readonly voterJid: string;
}

/**
 * Encrypts a vote the way WhatsApp clients do, so the linked app decrypts it with Baileys'
 * `decryptPollVote`: options are SHA-256 hashes of their names, sealed with AES-GCM under a key
 * derived from the poll's secret and both jids.
 */
export const encryptPollVote = (optionNames: readonly string[], ctx: PollVoteContext): proto.Message.IPollEncValue => {
  const selectedOptions = optionNames.map((name) => createHash('sha256').update(name).digest());
  const plain = proto.Message.PollVoteMessage.encode({ selectedOptions }).finish();
  const sign = Buffer.concat([Buffer.from(ctx.pollMsgId), Buffer.from(ctx.pollCreatorJid), Buffer.from(ctx.voterJid), Buffer.from('Poll Vote'), Buffer.from([1])]);
  const key0 = createHmac('sha256', Buffer.alloc(32)).update(ctx.pollEncKey).digest();
  const key = createHmac('sha256', key0).update(sign).digest();
  const encIv = randomBytes(12);
  const aad = Buffer.from(`${ctx.pollMsgId}\u0000${ctx.voterJid}`);
  return { encPayload: gcmEncrypt(key, encIv, plain, aad), encIv };
};
