import type { proto } from '../../whatsapp/protocol.ts';
import { createGroup, type ParticipantAction, updateParticipants } from '../groups/group-actions.ts';
import { enterCode } from '../pairing/link-code.ts';
import { completePairing } from '../pairing/pair-device.ts';
import { decryptMedia, type MediaKind } from '../media/media-crypto.ts';
import { buildMediaMessage, mediaOf, type OutgoingMedia } from '../media/media-message.ts';
import { phoneSendToAccount } from '../phone/deliver.ts';
import { phoneSendToGroup } from '../phone/group-send.ts';
import { grantToken } from '../messaging/privacy-token.ts';
import type { InboxEntry } from '../phone/inbox.ts';
import type { ClientVersion } from '../server/client-version.ts';
import type { LoginOverlap, ReceiptSettings, SimContext } from '../server/sim-context.ts';
import { type Account, pnJid } from '../world/account.ts';
import type { Group } from '../world/group.ts';
import type { NewAccount } from '../world/world.ts';
import { pollVoteMessage, reactionMessage } from './contact-messages.ts';
import {
  type AccountView,
  accountView,
  ControlError,
  type GroupView,
  groupView,
  type PairingView,
  pairingView,
  type SendResult,
} from './control-views.ts';
import { dropConnections, outage, replaceConnections, unlinkDevice } from './faults.ts';
import { parseQr } from './qr-code.ts';
import { screenScan } from '../pairing/registration-refresh.ts';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The simulator's control surface, shared by the HTTP control API and in-process tests: accounts,
 * pairing, what simulated people send, what their phones received, receipt timing and faults.
 */
export class SimControl {
  constructor(private readonly ctx: SimContext) {}

  createAccount(input: NewAccount = {}): AccountView {
    this.ctx.changed();
    try {
      return accountView(this.ctx, this.ctx.world.createAccount(input));
    } catch (error) {
      throw new ControlError(messageOf(error), 'CONFLICT');
    }
  }

  accounts(): AccountView[] {
    return this.ctx.world.accounts().map((a) => accountView(this.ctx, a));
  }

  getAccount(phone: string): AccountView {
    return accountView(this.ctx, this.account(phone));
  }

  pendingPairings(): PairingView[] {
    return this.ctx.pendingPairings.map(pairingView);
  }

  /** Plays `phone`'s owner scanning a QR the client displayed; resolves once the device is linked. */
  async scanQr(phone: string, qr: string): Promise<AccountView> {
    const account = this.account(phone);
    const scanned = parseQr(qr);
    const pending = this.ctx.pendingPairings.find((p) => p.refs.includes(scanned.ref));
    if (!pending) throw new ControlError('no waiting client shows this QR', 'NOT_FOUND');
    if (!pending.noiseKey.equals(scanned.noiseKey) || !pending.identityKey.equals(scanned.identityKey)) {
      throw new ControlError('QR keys do not match the waiting client', 'BAD_REQUEST');
    }
    await screenScan(this.ctx, pending, scanned.advSecret);
    await completePairing(this.ctx, pending, account, scanned.advSecret);
    return accountView(this.ctx, account);
  }

  /** Plays the phone owner typing the code the client showed for this phone number. */
  async enterPairingCode(phone: string, code: string): Promise<AccountView> {
    const account = this.account(phone);
    const pending = this.ctx.pendingPairings.find((p) => p.code?.phone === account.phone);
    if (!pending) throw new ControlError(`no client is waiting for a code for ${phone}`, 'NOT_FOUND');
    try {
      await enterCode(this.ctx, pending, account, code.replace(/[^0-9a-z]/gi, ''));
    } catch (error) {
      throw new ControlError(`pairing failed: ${messageOf(error)}`, 'BAD_REQUEST');
    }
    return accountView(this.ctx, account);
  }

  /** Sends any message from `from`'s phone to every linked device of `to`. */
  async sendMessage(from: string, to: string, message: proto.IMessage): Promise<SendResult> {
    const sender = this.account(from);
    const target = this.account(to);
    // Writing first grants the recipient this person's privacy token, so it can answer.
    grantToken(this.ctx, target, sender);
    const id = this.ctx.world.ids.hex('msg');
    this.ctx.recordSent(id, { sender, deviceId: 0, chat: pnJid(target) });
    // The recipient's own phone gets it too: its inbox is what "that person received".
    target.phoneDevice.inbox.add({ id, chat: pnJid(sender), from: pnJid(sender), receivedAt: Date.now(), message });
    sender.phoneDevice.ledger.rememberSent(id, message);
    const encTypes = await phoneSendToAccount(this.ctx, sender, target, { id, message });
    return { id, deliveredTo: encTypes.length, encTypes };
  }

  sendText(from: string, to: string, text: string): Promise<SendResult> {
    return this.sendMessage(from, to, { conversation: text });
  }

  /** Reacts to a message in the chat with `to`; an empty emoji removes the reaction. */
  sendReaction(from: string, to: string, messageId: string, emoji: string, reactedMessageFromTarget = true): Promise<SendResult> {
    const chat = { kind: 'direct', target: this.account(to) } as const;
    return this.sendMessage(from, to, reactionMessage(chat, messageId, emoji, !reactedMessageFromTarget));
  }

  /** Votes on a poll that `to` sent to `from`; options are given by name. */
  sendPollVote(from: string, to: string, pollMessageId: string, options: readonly string[]): Promise<SendResult> {
    const voter = this.account(from);
    const creator = this.account(to);
    const poll = voter.phoneDevice.inbox.list().find((e) => e.id === pollMessageId);
    return this.sendMessage(from, to, pollVoteMessage(this.ctx.addressing, voter, creator, { kind: 'direct', target: creator }, poll, options));
  }

  /** Sends encrypted media (image, video, audio, voice note, document, sticker). */
  sendMedia(from: string, to: string, media: OutgoingMedia): Promise<SendResult> {
    const host = this.ctx.media;
    if (!host) throw new ControlError('the media host is disabled', 'BAD_REQUEST');
    return this.sendMessage(from, to, buildMediaMessage(host, media, this.ctx.world.ids.bytes('media-key', 32)));
  }

  /** Downloads and decrypts the media of a message in `phone`'s inbox, as that phone would. */
  downloadMedia(phone: string, messageId: string): { kind: MediaKind; mimetype: string; data: Buffer } {
    const entry = this.account(phone).phoneDevice.inbox.list().find((e) => e.id === messageId);
    const media = entry && mediaOf(entry.message);
    const file = media?.content.directPath ? this.ctx.media?.get(media.content.directPath) : undefined;
    if (!media || !file || !media.content.mediaKey) throw new ControlError(`no downloadable media in message ${messageId}`, 'NOT_FOUND');
    return { kind: media.kind, mimetype: media.content.mimetype ?? '', data: decryptMedia(file, media.content.mediaKey, media.kind) };
  }

  groups(): GroupView[] {
    return [...this.ctx.world.groups.values()].map(groupView);
  }

  /** A simulated person creates a group; linked members are notified. */
  createGroup(creator: string, subject: string, members: readonly string[]): GroupView {
    return groupView(createGroup(this.ctx, this.account(creator), subject, members.map((m) => this.account(m))));
  }

  /** A simulated member (an admin, unless removing themselves) changes participants. */
  updateGroupParticipants(actor: string, groupJid: string, action: ParticipantAction, phones: readonly string[]): { phone: string; error: string | null }[] {
    const targets = phones.map((p) => this.account(p));
    const results = updateParticipants(this.ctx, this.group(groupJid), this.account(actor), action, targets);
    return targets.map((t, i) => ({ phone: t.phone, error: results[i]?.attrs.error ?? null }));
  }

  /** A simulated member sends any message to the group. */
  async sendGroupMessage(from: string, groupJid: string, message: proto.IMessage): Promise<SendResult> {
    const group = this.group(groupJid);
    const sender = this.account(from);
    if (!group.members.has(sender.phone)) throw new ControlError(`${from} is not in ${groupJid}`, 'BAD_REQUEST');
    const id = this.ctx.world.ids.hex('msg');
    this.ctx.recordSent(id, { sender, deviceId: 0, chat: group.jid });
    const deliveredTo = await phoneSendToGroup(this.ctx, sender, group, id, message);
    return { id, deliveredTo, encTypes: [] };
  }

  sendGroupText(from: string, groupJid: string, text: string): Promise<SendResult> {
    return this.sendGroupMessage(from, groupJid, { conversation: text });
  }

  /** Reacts in a group to a message written by `author` (a phone number). */
  sendGroupReaction(from: string, groupJid: string, messageId: string, author: string, emoji: string): Promise<SendResult> {
    const chat = { kind: 'group', jid: groupJid, author: this.account(author) } as const;
    return this.sendGroupMessage(from, groupJid, reactionMessage(chat, messageId, emoji, author.replace(/\D/g, '') === from.replace(/\D/g, '')));
  }

  /** Votes on a poll the linked number `creator` posted in the group. */
  sendGroupPollVote(from: string, groupJid: string, pollMessageId: string, creator: string, options: readonly string[]): Promise<SendResult> {
    const voter = this.account(from);
    const author = this.account(creator);
    const poll = voter.phoneDevice.inbox.list().find((e) => e.id === pollMessageId && e.chat === groupJid);
    return this.sendGroupMessage(from, groupJid, pollVoteMessage(this.ctx.addressing, voter, author, { kind: 'group', jid: groupJid, author }, poll, options));
  }

  inbox(phone: string): readonly InboxEntry[] {
    return this.account(phone).phoneDevice.inbox.list();
  }

  waitForInbox(phone: string, match: (entry: InboxEntry) => boolean, timeoutMs?: number): Promise<InboxEntry> {
    return this.account(phone).phoneDevice.inbox.waitFor(match, timeoutMs);
  }

  /** Receipt types recipients sent for a message this phone sent. */
  receiptsFor(phone: string, id: string): string[] {
    return this.account(phone).phoneDevice.ledger.receiptsFor(id);
  }

  setReceipts(settings: Partial<ReceiptSettings>): ReceiptSettings {
    Object.assign(this.ctx.receipts, settings);
    return { ...this.ctx.receipts };
  }

  /** Running totals, cheap to poll while a benchmark drives the simulator. */
  stats(): { clientMessagesAcked: number; connections: number; replacedLogins: number } {
    return {
      clientMessagesAcked: this.ctx.clientMessagesAcked,
      connections: [...this.ctx.connections.values()].filter((c) => c.isOpen).length,
      replacedLogins: this.ctx.replacedLogins,
    };
  }

  /**
   * The latest logins that found the device's previous connection still open, oldest first. The
   * `replaceConnection` fault is not one: it closes the socket without a second login.
   */
  overlaps(): LoginOverlap[] {
    return [...this.ctx.overlaps];
  }

  /** The WA Web version each of the latest connections announced at login or registration, oldest first. */
  clientVersions(): ClientVersion[] {
    return [...this.ctx.clientVersions];
  }

  /** Failures inside the simulator's handlers, newest last: empty in a healthy run. */
  errors(): string[] {
    return [...this.ctx.errors];
  }

  /** Fault: drop the number's sockets (or one device's) without a stream error. */
  dropConnection(phone: string, deviceId?: number): number {
    return dropConnections(this.ctx, this.account(phone), deviceId);
  }

  /** Fault: WhatsApp unreachable for `ms`: every socket drops and reconnects fail until it is over. */
  outage(ms: number): number {
    return outage(this.ctx, ms);
  }

  /** Fault: as if another socket logged in as the device; the client sees 440 (connectionReplaced). */
  replaceConnection(phone: string, deviceId?: number): number {
    return replaceConnections(this.ctx, this.account(phone), deviceId);
  }

  /** Fault: the simulated phone loses its Signal sessions; peers recover through retry receipts. */
  async forgetSessions(phone: string): Promise<void> {
    await this.account(phone).phoneDevice.forgetSessions();
  }

  /** Fault: the phone unlinks the device; the client sees loggedOut (401). */
  logoutDevice(phone: string, deviceId: number): void {
    const account = this.account(phone);
    if (!account.devices.has(deviceId)) throw new ControlError(`device ${deviceId} is not linked to ${phone}`, 'NOT_FOUND');
    unlinkDevice(this.ctx, account, deviceId);
  }

  /**
   * `owner` already has a chat with `contact`, who granted it a privacy token: devices linked from now
   * on get both in their history sync, devices already linked a `privacy_token` notification.
   */
  openChat(owner: string, contact: string): AccountView {
    const account = this.account(owner);
    grantToken(this.ctx, account, this.account(contact));
    return accountView(this.ctx, account);
  }

  /** Fault: sends from this account are refused with error 463 (its reach-out timelock is active). */
  setRestricted(phone: string, restricted: boolean): AccountView {
    const account = this.account(phone);
    account.restricted = restricted;
    return accountView(this.ctx, account);
  }

  /** Every control action goes through here, so it is also where state is marked changed. */
  private account(phone: string): Account {
    this.ctx.changed();
    const account = this.ctx.world.account(phone.replace(/\D/g, ''));
    if (!account) throw new ControlError(`no simulated account ${phone}`, 'NOT_FOUND');
    return account;
  }

  private group(jid: string): Group {
    const group = this.ctx.world.groups.get(jid);
    if (!group) throw new ControlError(`no group ${jid}`, 'NOT_FOUND');
    return group;
  }
}
