import { decryptPollVote, getKeyAuthor, isPnUser, jidNormalizedUser, type proto, type WAMessageKey } from "@whiskeysockets/baileys";
import { createHash } from "node:crypto";

const unique = (values: (string | null | undefined)[]): string[] => [...new Set(values.filter((v): v is string => !!v))];

/** A person's jid as the worker reports it: their phone-number jid when the key carries one. */
export function personJid(key: WAMessageKey, me: string): string {
  if (key.fromMe) return me;
  const candidates = unique([key.participantAlt, key.participant, key.remoteJidAlt, key.remoteJid]);
  return jidNormalizedUser(candidates.find((jid) => isPnUser(jid)) ?? candidates[0]);
}

/**
 * Opens one vote on a poll this session sent and names the chosen options. A vote is sealed for
 * (poll id, creator jid, voter jid), and WhatsApp picks phone-number or LID jids depending on how the
 * chat is addressed, which the receiving side cannot know for sure. AES-GCM refuses a wrong guess, so
 * each plausible pair is tried (Baileys' own choice, getKeyAuthor, first). Returns undefined if none opens.
 */
export function decryptVote(
  vote: proto.Message.IPollUpdateMessage,
  voteKey: WAMessageKey,
  poll: { pollMessageId: string; options: string[]; secret: string; creatorJid: string },
  myJids: string[],
): string[] | undefined {
  if (!vote.vote) return undefined;
  const me = myJids[0] ?? "";
  const creators = unique([poll.creatorJid, ...myJids]);
  const voters = unique([getKeyAuthor(voteKey, me), voteKey.participantAlt, voteKey.remoteJidAlt, voteKey.participant, voteKey.remoteJid].flatMap((j) => (j ? [j, jidNormalizedUser(j)] : [])));
  const pollEncKey = Buffer.from(poll.secret, "base64");
  for (const pollCreatorJid of creators) {
    for (const voterJid of voters) {
      try {
        const { selectedOptions } = decryptPollVote(vote.vote, { pollEncKey, pollCreatorJid, voterJid, pollMsgId: poll.pollMessageId });
        return optionNames(selectedOptions ?? [], poll.options);
      } catch {
        // not the pair it was sealed for; try the next
      }
    }
  }
  return undefined;
}

/** Votes name options by the SHA-256 of their text. */
function optionNames(hashes: Uint8Array[], options: string[]): string[] {
  const byHash = new Map(options.map((name) => [createHash("sha256").update(name).digest("hex"), name]));
  return hashes.flatMap((hash) => byHash.get(Buffer.from(hash).toString("hex")) ?? []);
}
