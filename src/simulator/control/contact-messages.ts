import type { proto } from '../../whatsapp/protocol.ts';
import type { InboxEntry } from '../phone/inbox.ts';
import { encryptPollVote } from '../phone/poll-vote.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';
import { ControlError } from './control-views.ts';
import { envelopeAuthor } from '../messaging/addressing.ts';
import type { Addressing } from '../server/sim-context.ts';

/** Where a reacted-to or voted-on message lives, seen from the simulated person acting on it. */
type ChatRef = { kind: 'direct'; target: Account } | { kind: 'group'; jid: string; author: Account };

const keyFor = (chat: ChatRef, messageId: string, fromActor: boolean): proto.IMessageKey =>
  chat.kind === 'direct'
    ? { remoteJid: pnJid(chat.target), fromMe: fromActor, id: messageId }
    : { remoteJid: chat.jid, fromMe: fromActor, id: messageId, participant: lidJid(chat.author) };

/**
 * A reaction from a simulated person. The key is from the reactor's side: a message the linked number
 * sent is not "from me" for the reactor; in groups it names the message's author.
 */
export const reactionMessage = (chat: ChatRef, messageId: string, emoji: string, reactedMessageFromActor: boolean): proto.IMessage => ({
  reactionMessage: { key: keyFor(chat, messageId, reactedMessageFromActor), text: emoji, senderTimestampMs: Date.now() },
});

/**
 * A vote on a poll the linked number `creator` sent, found in the voter's inbox. It is encrypted for the
 * jids the receiving app derives with Baileys' `getKeyAuthor`: the creator's phone-number jid, and the
 * voter's jid as the envelope names it (see `envelopeAuthor`).
 */
export const pollVoteMessage = (
  addressing: Addressing,
  voter: Account,
  creator: Account,
  chat: ChatRef,
  poll: InboxEntry | undefined,
  options: readonly string[],
): proto.IMessage => {
  const secret = poll?.message.messageContextInfo?.messageSecret;
  const creation = poll?.message.pollCreationMessageV3 ?? poll?.message.pollCreationMessage ?? poll?.message.pollCreationMessageV2;
  if (!poll || !secret || !creation) throw new ControlError(`no such poll in ${voter.phone}'s inbox`, 'NOT_FOUND');
  const known = new Set((creation.options ?? []).map((o) => o.optionName ?? ''));
  const unknown = options.find((o) => !known.has(o));
  if (unknown !== undefined) throw new ControlError(`poll has no option "${unknown}"`, 'BAD_REQUEST');
  return {
    pollUpdateMessage: {
      pollCreationMessageKey: keyFor(chat, poll.id, false),
      vote: encryptPollVote(options, {
        pollMsgId: poll.id,
        pollEncKey: secret,
        pollCreatorJid: pnJid(creator),
        voterJid: envelopeAuthor(addressing, voter, chat.kind === 'group'),
      }),
      senderTimestampMs: Date.now(),
    },
  };
};
