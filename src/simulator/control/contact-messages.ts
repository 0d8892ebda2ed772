import type { proto } from '../../whatsapp/protocol.ts';
import type { InboxEntry } from '../phone/inbox.ts';
import { encryptPollVote } from '../phone/poll-vote.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';
import { ControlError } from './control-views.ts';

/**
 * A reaction from a simulated person in their chat with `target`. The key is from the reactor's side:
 * a message `target` sent is not "from me" for the reactor.
 */
export const reactionMessage = (target: Account, messageId: string, emoji: string, reactedMessageFromTarget: boolean): proto.IMessage => ({
  reactionMessage: {
    key: { remoteJid: pnJid(target), fromMe: !reactedMessageFromTarget, id: messageId },
    text: emoji,
    senderTimestampMs: Date.now(),
  },
});

/**
 * A vote on a poll `creator` sent to `voter`, found in the voter's inbox. It is encrypted for the jids
 * the receiving app derives with Baileys' `getKeyAuthor`: the creator's phone-number jid and the
 * voter's LID (from `sender_lid`).
 */
export const pollVoteMessage = (voter: Account, creator: Account, poll: InboxEntry | undefined, options: readonly string[]): proto.IMessage => {
  const secret = poll?.message.messageContextInfo?.messageSecret;
  const creation = poll?.message.pollCreationMessageV3 ?? poll?.message.pollCreationMessage ?? poll?.message.pollCreationMessageV2;
  if (!poll || !secret || !creation) throw new ControlError(`no such poll in ${voter.phone}'s inbox`, 'NOT_FOUND');
  const known = new Set((creation.options ?? []).map((o) => o.optionName ?? ''));
  const unknown = options.find((o) => !known.has(o));
  if (unknown !== undefined) throw new ControlError(`poll has no option "${unknown}"`, 'BAD_REQUEST');
  return {
    pollUpdateMessage: {
      pollCreationMessageKey: { remoteJid: pnJid(creator), fromMe: false, id: poll.id },
      vote: encryptPollVote(options, { pollMsgId: poll.id, pollEncKey: secret, pollCreatorJid: pnJid(creator), voterJid: lidJid(voter) }),
      senderTimestampMs: Date.now(),
    },
  };
};
