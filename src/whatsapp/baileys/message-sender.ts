import {
  generateMessageIDV2,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  isJidGroup,
  isPnUser,
  jidEncode,
  jidNormalizedUser,
  unixTimestampSeconds,
  type AnyMessageContent,
  type BinaryNode,
  type MiscMessageGenerationOptions,
  type WASocket,
} from "@whiskeysockets/baileys";
import { randomBytes } from "node:crypto";
import { normaliseJid } from "../../contracts/jobs/jid.ts";
import type { GroupCreateResult, GroupParticipantsResult, MessageResult } from "../../contracts/jobs/index.ts";
import { DriverError, type MessageKey, type OutgoingMedia, type PollStore, type ProtoJson } from "../driver.ts";
import { toDriverError } from "./driver-errors.ts";
import { mediaContent, quotedMessage } from "./outgoing-content.ts";
import { REFUSED_463, refusal463 } from "./refusal-463.ts";
import type { SentMessages } from "./sent-messages.ts";
import type { ServerAcks } from "./server-acks.ts";

/** Positive "is on WhatsApp" answers remembered per socket; a bound keeps memory per session small. */
const KNOWN_RECIPIENTS_LIMIT = 512;

interface SenderContext {
  sessionId: string;
  polls: PollStore;
  sent: SentMessages;
  acks: ServerAcks;
  /** The socket, if it is open; throws NOT_CONNECTED otherwise. */
  socket(): WASocket;
}

/**
 * One outcome per participant asked for, named as the caller named them. WhatsApp answers with a
 * `<participant>` per person, by phone number or by LID (with `phone_number` beside it, except on some
 * refusals, which carry the LID alone); such an answer is matched by position when the counts agree.
 * Someone the answer leaves out is not on WhatsApp.
 */
function outcomesFor(requested: string[], answer: BinaryNode[]): { jid: string; status: string }[] {
  return requested.map((jid, i) => {
    const positional = answer.length === requested.length && !answer[i]?.attrs.phone_number ? answer[i] : undefined;
    const node = answer.find((p) => p.attrs.phone_number === jid || p.attrs.jid === jid) ?? positional;
    return { jid, status: node ? (node.attrs.error ?? "200") : "404" };
  });
}

/** Every send and group operation of one socket, each answering with the contract's result shapes. */
export class MessageSender {
  private readonly knownRecipients = new Set<string>();

  constructor(private readonly ctx: SenderContext) {}

  sendText(to: string, text: string, mentions?: string[]): Promise<MessageResult> {
    return this.send(to, { text, ...(mentions?.length ? { mentions: mentions.map(normaliseJid) } : {}) });
  }

  sendMedia(to: string, media: OutgoingMedia): Promise<MessageResult> {
    return this.send(to, mediaContent(media));
  }

  /**
   * The poll's secret is made here and saved before the poll goes out, so a vote that comes back at
   * once can already be decrypted. selectableCount 0 lets voters pick any number of options.
   */
  sendPoll(to: string, poll: { name: string; options: string[]; selectableCount: number }): Promise<MessageResult> {
    const secret = randomBytes(32);
    const content = { poll: { name: poll.name, values: poll.options, selectableCount: poll.selectableCount, messageSecret: secret } };
    return this.send(to, content, {}, (id, me) =>
      this.ctx.polls.save(this.ctx.sessionId, id, { options: poll.options, secret: secret.toString("base64"), creatorJid: me }),
    );
  }

  sendReaction(to: string, key: MessageKey, emoji: string): Promise<MessageResult> {
    const reacted = { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, participant: key.participant };
    return this.send(to, { react: { text: emoji, key: reacted } });
  }

  sendReply(to: string, text: string, quoted: { key: MessageKey; message?: ProtoJson }): Promise<MessageResult> {
    const original = quoted.message ?? this.ctx.sent.get(quoted.key.id);
    return this.send(to, { text }, { quoted: quotedMessage(quoted.key, original) });
  }

  /**
   * Baileys' groupCreate drops the per-participant errors of WhatsApp's answer (someone whose privacy
   * settings refuse being added is listed like everyone else), so the create query is sent here and
   * its answer read directly.
   */
  async createGroup(subject: string, participants: string[]): Promise<GroupCreateResult> {
    const sock = this.ctx.socket();
    const requested = participants.map(normaliseJid);
    try {
      const answer = await sock.query({
        tag: "iq",
        attrs: { type: "set", xmlns: "w:g2", to: "@g.us" },
        content: [{ tag: "create", attrs: { subject, key: generateMessageIDV2() }, content: requested.map((jid) => ({ tag: "participant", attrs: { jid } })) }],
      });
      const group = answer ? getBinaryNodeChild(answer, "group") : undefined;
      if (!group?.attrs.id) throw new DriverError("WHATSAPP_ERROR", "WhatsApp did not confirm the new group");
      const mine = new Set([sock.user?.id, sock.user?.lid].filter((j): j is string => !!j).map(jidNormalizedUser));
      const others = getBinaryNodeChildren(group, "participant").filter((p) => !mine.has(p.attrs.phone_number ?? "") && !mine.has(p.attrs.jid ?? ""));
      const outcomes = outcomesFor(requested, others);
      const groupJid = group.attrs.id.includes("@") ? group.attrs.id : jidEncode(group.attrs.id, "g.us");
      return { groupJid, subject: group.attrs.subject ?? subject, participants: outcomes };
    } catch (error) {
      throw toDriverError(error, { group: true });
    }
  }

  async updateParticipants(groupJid: string, action: "add" | "remove" | "promote" | "demote", participants: string[]): Promise<GroupParticipantsResult> {
    const sock = this.ctx.socket();
    try {
      const requested = participants.map(normaliseJid);
      const results = await sock.groupParticipantsUpdate(groupJid, requested, action);
      return { groupJid, action, participants: outcomesFor(requested, results.flatMap((r) => r.content ?? [])) };
    } catch (error) {
      throw toDriverError(error, { group: true });
    }
  }

  /**
   * One message out: check the recipient, write it under an id chosen here (so the server's ack can be
   * matched even if it beats sendMessage's return), then wait for that ack.
   */
  private async send(
    to: string,
    content: AnyMessageContent,
    options: MiscMessageGenerationOptions = {},
    beforeSend?: (id: string, me: string) => Promise<void>,
  ): Promise<MessageResult> {
    const sock = this.ctx.socket();
    const jid = normaliseJid(to);
    const group = isJidGroup(jid) === true;
    try {
      await this.assertOnWhatsApp(sock, jid);
      const id = generateMessageIDV2(sock.user?.id);
      await beforeSend?.(id, jidNormalizedUser(sock.user?.id));
      this.ctx.sent.add(id, null);
      const acked = this.ctx.acks.expect(id);
      try {
        const sent = await sock.sendMessage(jid, content, { ...options, messageId: id });
        if (sent?.message) this.ctx.sent.add(id, sent.message);
      } catch (error) {
        this.ctx.acks.settle(id, undefined);
        throw error;
      }
      const ack = await acked;
      if (ack?.error === REFUSED_463) throw await refusal463(sock);
      if (ack?.error) throw new DriverError("WHATSAPP_ERROR", `WhatsApp refused the message (error ${ack.error})`);
      return { messageId: id, to: jid, timestamp: ack?.at ?? unixTimestampSeconds() };
    } catch (error) {
      throw toDriverError(error, { group });
    }
  }

  /** Phone-number recipients are checked once per socket; groups and LIDs cannot be looked up this way. */
  private async assertOnWhatsApp(sock: WASocket, jid: string): Promise<void> {
    if (!isPnUser(jid) || this.knownRecipients.has(jid)) return;
    const found = await sock.onWhatsApp(jid);
    if (!found?.some((r) => r.exists)) throw new DriverError("NOT_ON_WHATSAPP", `${jid} is not on WhatsApp`);
    if (this.knownRecipients.size >= KNOWN_RECIPIENTS_LIMIT) this.knownRecipients.clear();
    this.knownRecipients.add(jid);
  }
}
