import { type proto } from '../../whatsapp/protocol.ts';
import { completePairing } from '../handlers/pair-device.ts';
import { enterCode } from '../handlers/link-code.ts';
import type { InboxEntry } from '../phone/inbox.ts';
import { phoneSendToAccount } from '../phone/deliver.ts';
import { encryptPollVote } from '../phone/poll-vote.ts';
import { decryptMedia, type MediaKind } from '../media/media-crypto.ts';
import { buildMediaMessage, mediaOf, type OutgoingMedia } from '../media/media-message.ts';
import { phoneSendToGroup } from '../phone/group-send.ts';
import { createGroup, type ParticipantAction, updateParticipants } from '../handlers/group-actions.ts';
import type { Group } from '../world/group.ts';
import { streamError } from '../server/nodes.ts';
import type { ReceiptSettings, SimContext } from '../server/sim-context.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';
import type { NewAccount } from '../world/world.ts';

export interface AccountView {
  phone: string;
  jid: string;
  lid: string;
  name: string;
  restricted: boolean;
  devices: { id: number; online: boolean; platform: string }[];
}

export interface PairingView {
  id: string;
  refs: string[];
  platform: string;
  createdAt: number;
  codeRequestedFor: string | null;
}

export interface SendResult {
  id: string;
  /** How many linked devices got it, or will when they come back online. */
  deliveredTo: number;
  /** The Signal message type each device got: `pkmsg` opens a session, `msg` uses it. */
  encTypes: ('pkmsg' | 'msg')[];
}

export interface GroupView {
  jid: string;
  subject: string;
  creator: string;
  members: { phone: string; role: 'admin' | 'superadmin' | null }[];
}

/** Raised for requests that name things that do not exist or are in the wrong state. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST',
  ) {
    super(message);
  }
}

const groupView = (group: Group): GroupView => ({
  jid: group.jid,
  subject: group.subject,
  creator: group.creator.phone,
  members: [...group.members.values()].map(({ account, role }) => ({ phone: account.phone, role })),
});

const QR_PREFIX = 'https://wa.me/settings/linked_devices#';

/** The simulator's control surface, shared by the HTTP control API and in-process tests. */
export class SimControl {
  constructor(private readonly ctx: SimContext) {}

  private account(phone: string): Account {
    const account = this.ctx.world.account(phone.replace(/\D/g, ''));
    if (!account) throw new ControlError(`no simulated account ${phone}`, 'NOT_FOUND');
    return account;
  }

  view(account: Account): AccountView {
    return {
      phone: account.phone,
      jid: pnJid(account),
      lid: lidJid(account),
      name: account.name,
      restricted: account.restricted,
      devices: [...account.devices.values()].map((d) => ({ id: d.id, online: !!this.ctx.connectionOf(account, d), platform: d.platform })),
    };
  }

  createAccount(input: NewAccount = {}): AccountView {
    try {
      return this.view(this.ctx.world.createAccount(input));
    } catch (error) {
      throw new ControlError(error instanceof Error ? error.message : String(error), 'CONFLICT');
    }
  }

  accounts(): AccountView[] {
    return this.ctx.world.accounts().map((a) => this.view(a));
  }

  getAccount(phone: string): AccountView {
    return this.view(this.account(phone));
  }

  pendingPairings(): PairingView[] {
    return this.ctx.pendingPairings.map((p) => ({
      id: p.id,
      refs: [...p.refs],
      platform: p.platform,
      createdAt: p.createdAt,
      codeRequestedFor: p.code?.phone ?? null,
    }));
  }

  /** Plays `phone`'s owner scanning a QR the client displayed; resolves once the device is linked. */
  async scanQr(phone: string, qr: string): Promise<AccountView> {
    const account = this.account(phone);
    const [ref, noiseB64, identityB64, advB64] = (qr.startsWith(QR_PREFIX) ? qr.slice(QR_PREFIX.length) : qr).split(',');
    const pending = this.ctx.pendingPairings.find((p) => ref !== undefined && p.refs.includes(ref));
    if (!pending || !noiseB64 || !identityB64 || !advB64) throw new ControlError('no pending pairing shows this QR', 'NOT_FOUND');
    if (!pending.noiseKey.equals(Buffer.from(noiseB64, 'base64')) || !pending.identityKey.equals(Buffer.from(identityB64, 'base64'))) {
      throw new ControlError('QR keys do not match the waiting client', 'BAD_REQUEST');
    }
    await completePairing(this.ctx, pending, account, Buffer.from(advB64, 'base64'));
    return this.view(account);
  }

  /** Plays the phone owner typing the code the client showed for this phone number. */
  async enterPairingCode(phone: string, code: string): Promise<AccountView> {
    const account = this.account(phone);
    const pending = this.ctx.pendingPairings.find((p) => p.code?.phone === account.phone);
    if (!pending) throw new ControlError(`no client is waiting for a code for ${phone}`, 'NOT_FOUND');
    try {
      await enterCode(this.ctx, pending, account, code.replace(/[^0-9a-z]/gi, ''));
    } catch (error) {
      throw new ControlError(`pairing failed: ${error instanceof Error ? error.message : String(error)}`, 'BAD_REQUEST');
    }
    return this.view(account);
  }

  /** Sends any message from `from`'s phone to every linked device of `to`; returns its id. */
  async sendMessage(from: string, to: string, message: proto.IMessage, id?: string): Promise<SendResult> {
    const sender = this.account(from);
    const target = this.account(to);
    const messageId = id ?? this.ctx.world.ids.hex('msg');
    this.ctx.recordSent(messageId, { sender, deviceId: 0, chat: pnJid(target) });
    target.phoneDevice.inbox.add({ id: messageId, chat: pnJid(sender), from: pnJid(sender), receivedAt: Date.now(), message });
    const encTypes = await phoneSendToAccount(this.ctx, sender, target, { id: messageId, message });
    return { id: messageId, deliveredTo: encTypes.length, encTypes };
  }

  sendText(from: string, to: string, text: string): Promise<SendResult> {
    return this.sendMessage(from, to, { conversation: text });
  }

  /** Reacts from `from`'s phone to a message in its chat with `to`; an empty emoji removes it. */
  sendReaction(from: string, to: string, messageId: string, emoji: string, reactedMessageFromTarget = true): Promise<SendResult> {
    const target = this.account(to);
    return this.sendMessage(from, to, {
      reactionMessage: {
        key: { remoteJid: pnJid(target), fromMe: !reactedMessageFromTarget, id: messageId },
        text: emoji,
        senderTimestampMs: Date.now(),
      },
    });
  }

  /**
   * Votes from `from`'s phone on a poll that `to` sent it. The vote is encrypted for the jids the
   * receiving app derives with `getKeyAuthor`: the creator's phone-number jid and the voter's LID.
   */
  sendPollVote(from: string, to: string, pollMessageId: string, options: readonly string[]): Promise<SendResult> {
    const voter = this.account(from);
    const creator = this.account(to);
    const poll = voter.phoneDevice.inbox.list().find((e) => e.id === pollMessageId);
    const secret = poll?.message.messageContextInfo?.messageSecret;
    const creation = poll?.message.pollCreationMessageV3 ?? poll?.message.pollCreationMessage ?? poll?.message.pollCreationMessageV2;
    if (!poll || !secret || !creation) throw new ControlError(`no poll ${pollMessageId} in ${from}'s inbox`, 'NOT_FOUND');
    const known = new Set((creation.options ?? []).map((o) => o.optionName ?? ''));
    const unknown = options.find((o) => !known.has(o));
    if (unknown !== undefined) throw new ControlError(`poll has no option "${unknown}"`, 'BAD_REQUEST');
    const vote = encryptPollVote(options, { pollMsgId: pollMessageId, pollEncKey: secret, pollCreatorJid: pnJid(creator), voterJid: lidJid(voter) });
    return this.sendMessage(from, to, {
      pollUpdateMessage: {
        pollCreationMessageKey: { remoteJid: pnJid(creator), fromMe: false, id: pollMessageId },
        vote,
        senderTimestampMs: Date.now(),
      },
    });
  }

  groups(): GroupView[] {
    return [...this.ctx.world.groups.values()].map(groupView);
  }

  /** A simulated person creates a group (notifying linked members). */
  createGroup(creator: string, subject: string, members: readonly string[]): GroupView {
    return groupView(createGroup(this.ctx, this.account(creator), subject, members.map((m) => this.account(m))));
  }

  /** A simulated member (an admin, unless removing themselves) changes participants. */
  updateGroupParticipants(actor: string, groupJid: string, action: ParticipantAction, phones: readonly string[]): { phone: string; error: string | null }[] {
    const group = this.group(groupJid);
    const targets = phones.map((p) => this.account(p));
    const results = updateParticipants(this.ctx, group, this.account(actor), action, targets);
    return targets.map((t, i) => ({ phone: t.phone, error: results[i]?.attrs.error ?? null }));
  }

  async sendGroupText(from: string, groupJid: string, text: string): Promise<SendResult> {
    const group = this.group(groupJid);
    const sender = this.account(from);
    if (!group.members.has(sender.phone)) throw new ControlError(`${from} is not in ${groupJid}`, 'BAD_REQUEST');
    const id = this.ctx.world.ids.hex('msg');
    this.ctx.recordSent(id, { sender, deviceId: 0, chat: group.jid });
    const deliveredTo = await phoneSendToGroup(this.ctx, sender, group, id, { conversation: text });
    return { id, deliveredTo, encTypes: [] };
  }

  private group(jid: string): Group {
    const group = this.ctx.world.groups.get(jid);
    if (!group) throw new ControlError(`no group ${jid}`, 'NOT_FOUND');
    return group;
  }

  /** Sends encrypted media (image, video, audio, voice note, document, sticker) from a phone. */
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

  inbox(phone: string): readonly InboxEntry[] {
    return this.account(phone).phoneDevice.inbox.list();
  }

  waitForInbox(phone: string, match: (entry: InboxEntry) => boolean, timeoutMs?: number): Promise<InboxEntry> {
    return this.account(phone).phoneDevice.inbox.waitFor(match, timeoutMs);
  }

  /** Receipt types recipients sent for a message this phone sent. */
  receiptsFor(phone: string, id: string): string[] {
    return [...(this.account(phone).phoneDevice.receipts.get(id) ?? [])];
  }

  setReceipts(settings: Partial<ReceiptSettings>): ReceiptSettings {
    Object.assign(this.ctx.receipts, settings);
    return { ...this.ctx.receipts };
  }

  /** Fault: the network drops the socket without any stream error. */
  dropConnection(phone: string, deviceId?: number): number {
    return this.forDevices(phone, deviceId, (conn) => conn.close());
  }

  /** Fault: the phone unlinks the device; the client sees stream:error 401 (loggedOut). */
  logoutDevice(phone: string, deviceId: number): void {
    const account = this.account(phone);
    if (!account.devices.has(deviceId)) throw new ControlError(`device ${deviceId} is not linked to ${phone}`, 'NOT_FOUND');
    this.forDevices(phone, deviceId, (conn) => {
      conn.sendNode(streamError(401));
      conn.close();
    });
    account.devices.delete(deviceId);
    this.ctx.forgetDevice(account, deviceId);
  }

  /** Fault: sends from this account are refused with error 463. */
  setRestricted(phone: string, restricted: boolean): AccountView {
    const account = this.account(phone);
    account.restricted = restricted;
    return this.view(account);
  }

  private forDevices(phone: string, deviceId: number | undefined, act: (conn: NonNullable<ReturnType<SimContext['connectionOf']>>) => void): number {
    const account = this.account(phone);
    let count = 0;
    for (const device of account.devices.values()) {
      if (deviceId !== undefined && device.id !== deviceId) continue;
      const conn = this.ctx.connectionOf(account, device);
      if (conn) {
        act(conn);
        count++;
      }
    }
    return count;
  }
}
