import makeWASocket, {
  Browsers,
  jidDecode,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  normalizeMessageContent,
  proto,
  toNumber,
  type AuthenticationState,
  type BaileysEventMap,
  type BinaryNode,
  type WAMessage,
  type WASocket,
} from "@whiskeysockets/baileys";
import type { Logger } from "../../platform/logger.ts";
import { DriverError, type DriverEvent, type OpenSessionOptions, type PollStore, type WhatsAppEndpoint, type WhatsAppSession } from "../driver.ts";
import { quietLibsignal } from "../quiet-libsignal.ts";
import { baileysLogger } from "./baileys-logger.ts";
import { historySyncOptions } from "./history-sync.ts";
import { DEFAULT_WA_VERSION, type WaVersion } from "../../config/wa-version.ts";
import { closeMessage, closeReason, statusCodeOf } from "./close-reason.ts";
import { foldedStatus, isForwardable, participantsEvent, reactionEvents, receiptUpdates, statusUpdates } from "./incoming-events.ts";
import { MessageSender } from "./message-sender.ts";
import { upsertMessageJson } from "./message-json.ts";
import { decryptVote, personJid } from "./poll-votes.ts";
import { SentMessages } from "./sent-messages.ts";
import { ServerAcks } from "./server-acks.ts";

/** How long a send waits for WhatsApp's ack before counting the message as gone out anyway. */
const ACK_TIMEOUT_MS = 10_000;
/** The longest a first login waits for the phone's initial history sync before opening without it. */
const BOOTSTRAP_WAIT_MS = 8_000;
/** close() asks Baileys to end the socket; if its close event never comes, ours is emitted after this. */
const CLOSE_GRACE_MS = 3_000;

interface SessionDeps {
  endpoint: WhatsAppEndpoint;
  polls: PollStore;
}

/** Events that only make sense once the session is open; before that they wait (see `emit`). */
const AFTER_OPEN = new Set<DriverEvent["type"]>(["messages", "message_status", "reaction", "poll_vote", "group_participants"]);

/**
 * One Baileys socket's lifetime behind the WhatsAppSession interface. It turns Baileys' events into
 * DriverEvents (ending with exactly one `close`), keeps creds saved, and hands sends to MessageSender.
 * Reconnecting is the worker's business: a closed session is never reopened.
 */
export class BaileysSession implements WhatsAppSession {
  private readonly sock: WASocket;
  private readonly log: Logger;
  private readonly polls: PollStore;
  private readonly version: WaVersion;
  private readonly sent = new SentMessages();
  private readonly acks = new ServerAcks(ACK_TIMEOUT_MS);
  private readonly sender: MessageSender;
  private readonly releaseConsole = quietLibsignal();
  /** Messages flushed from Baileys' offline buffer can precede its "caught up" signal; they wait for `open`. */
  private readonly early: DriverEvent[] = [];
  private connectionOpen = false;
  private caughtUp = false;
  /** Set on the first login after pairing until the initial history sync is stored (see `justPaired`). */
  private awaitingBootstrap = false;
  private bootstrapTimer: ReturnType<typeof setTimeout> | undefined;
  private opened = false;
  private sawQr = false;
  private pairingCodeRefused = false;
  private closedByUs = false;
  private finished = false;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: OpenSessionOptions,
    deps: SessionDeps,
  ) {
    this.log = options.log;
    this.polls = deps.polls;
    this.version = deps.endpoint.version ?? DEFAULT_WA_VERSION;
    const auth = options.auth.state as AuthenticationState;
    const logger = baileysLogger(options.log);
    this.sock = makeWASocket({
      // The memory cache in front of the key store is not only for speed (sends to the simulator with
      // the Redis store took 1.8 instead of 2.2-3.3 ms each): its writes are visible at once, while with
      // a store that commits asynchronously rc14 sometimes reads a Signal session it has just written as
      // missing ("No sessions", then "All encryptions failed") when 20 sessions send at the same time.
      // Entries expire after 5 minutes.
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
      ...(deps.endpoint.wsUrl ? { waWebSocketUrl: deps.endpoint.wsUrl } : {}),
      // Always ours, never Baileys' built-in: the announced version is a setting (--wa-version), not an upgrade's side effect.
      version: [...this.version],
      logger,
      browser: Browsers.ubuntu("Chrome"),
      markOnlineOnConnect: false,
      // What of the history sync is kept (--history-sync): by default the mappings and tokens, not the archive.
      ...historySyncOptions(deps.endpoint.historySync),
      getMessage: async (key) => (key.id ? this.sent.get(key.id) : undefined),
    });
    this.sender = new MessageSender({
      sessionId: options.sessionId,
      polls: deps.polls,
      sent: this.sent,
      acks: this.acks,
      socket: () => this.openSocket(),
    });
    this.wire(auth);
  }

  sendText: WhatsAppSession["sendText"] = (to, text, mentions) => this.sender.sendText(to, text, mentions);
  sendMedia: WhatsAppSession["sendMedia"] = (to, media) => this.sender.sendMedia(to, media);
  sendPoll: WhatsAppSession["sendPoll"] = (to, poll) => this.sender.sendPoll(to, poll);
  sendReaction: WhatsAppSession["sendReaction"] = (to, key, emoji) => this.sender.sendReaction(to, key, emoji);
  sendReply: WhatsAppSession["sendReply"] = (to, text, quoted) => this.sender.sendReply(to, text, quoted);
  createGroup: WhatsAppSession["createGroup"] = (subject, participants) => this.sender.createGroup(subject, participants);
  updateParticipants: WhatsAppSession["updateParticipants"] = (groupJid, action, participants) => this.sender.updateParticipants(groupJid, action, participants);

  /** Tells WhatsApp to unlink this device (if it is logged in), then closes. Never throws. */
  async logout(): Promise<void> {
    if (this.finished || this.closedByUs) return;
    this.closedByUs = true;
    if (this.connectionOpen) {
      try {
        await this.sock.logout();
      } catch (error) {
        this.log.warn({ err: error }, "could not tell WhatsApp about the logout");
      }
    }
    this.endSocket();
  }

  close(): void {
    if (this.finished || this.closedByUs) return;
    this.closedByUs = true;
    this.endSocket();
  }

  private endSocket(): void {
    this.sock.end(undefined).catch((error: unknown) => this.log.warn({ err: error }, "ending the WhatsApp socket failed"));
    this.closeTimer = setTimeout(() => this.finish(undefined, "closed"), CLOSE_GRACE_MS);
    this.closeTimer.unref?.();
  }

  private openSocket(): WASocket {
    if (!this.opened || this.finished || this.closedByUs) throw new DriverError("NOT_CONNECTED", "the WhatsApp session is not connected");
    return this.sock;
  }

  /** This account's own jids (phone number first, then LID), device-less. */
  private myJids(): string[] {
    const me = this.sock.user;
    return [me?.id, me?.lid].filter((j): j is string => !!j).map(jidNormalizedUser);
  }

  private wire(auth: AuthenticationState): void {
    const { ev, ws } = this.sock;
    ev.on("connection.update", (update) => {
      if (update.qr) this.onQr(update.qr);
      if (update.connection === "open") this.connectionOpen = true;
      if (update.receivedPendingNotifications) this.caughtUp = true;
      if (update.connection === "open" && this.options.justPaired) this.awaitBootstrap();
      this.maybeOpen();
      if (update.connection === "close") {
        const error = update.lastDisconnect?.error;
        const statusCode = statusCodeOf(error);
        this.finish(statusCode, closeMessage(statusCode, error?.message ?? "connection closed", this.version));
      }
    });
    ev.on("creds.update", (update) => {
      // Baileys merges the update into the same creds object too; merging here keeps this correct if it stops.
      Object.assign(auth.creds, update);
      this.options.auth.saveCreds().catch((error: unknown) => this.log.error({ err: error }, "saving WhatsApp creds failed"));
    });
    ev.on("messages.upsert", this.guarded("messages.upsert", (upsert) => this.onUpsert(upsert)));
    ev.on("messages.update", this.guarded("messages.update", (updates) => this.emitAll(statusUpdates(updates))));
    ev.on("message-receipt.update", this.guarded("message-receipt.update", (updates) => this.emitAll(receiptUpdates(updates))));
    ev.on(
      "messages.reaction",
      this.guarded("messages.reaction", (reactions) => {
        const others = reactions.filter(({ reaction }) => !(reaction.key?.id && this.sent.has(reaction.key.id)));
        this.emitAll(reactionEvents(others, this.myJids()[0] ?? ""));
      }),
    );
    ev.on("group-participants.update", this.guarded("group-participants.update", (update) => this.emitAll(participantsEvent(update))));
    ws.on("CB:ack,class:message", this.guarded("ack", (node: BinaryNode) => this.onServerAck(node)));
  }

  /** A translation bug must cost one event and a log line, not Baileys' event loop. */
  private guarded<T>(what: string, handle: (value: T) => void): (value: T) => void {
    return (value) => {
      try {
        handle(value);
      } catch (error) {
        this.log.error({ err: error, event: what }, "translating a WhatsApp event failed");
      }
    };
  }

  private onQr(qr: string): void {
    const first = !this.sawQr;
    this.sawQr = true;
    const phone = this.options.pairingPhone;
    if (!phone) return this.emit({ type: "qr", qr });
    // rc14 can only ask for a pairing code once the server offered QR refs; the QRs themselves are not shown.
    if (!first) return;
    this.sock.requestPairingCode(phone.replace(/\D/g, "")).then(
      (code) => this.emit({ type: "pairing_code", code }),
      (error: unknown) => {
        // With the pairing-code-refused patch the request rejects when the server answers with an error,
        // so no code that WhatsApp never registered is ever shown.
        this.log.warn({ err: error }, "WhatsApp refused the pairing-code request");
        this.pairingCodeRefused = true;
        this.sock.end(error instanceof Error ? error : new Error(String(error))).catch(() => undefined);
      },
    );
  }

  /**
   * Baileys stores the bootstrap's mappings and tokens, then emits `messaging-history.set`. A phone that never
   * sends one must not hold the session: after BOOTSTRAP_WAIT_MS it opens anyway.
   */
  private awaitBootstrap(): void {
    if (this.awaitingBootstrap || this.opened) return;
    this.awaitingBootstrap = true;
    const done = (why: string): void => {
      if (!this.awaitingBootstrap) return;
      this.awaitingBootstrap = false;
      clearTimeout(this.bootstrapTimer);
      this.log.debug({ why }, "initial history sync settled");
      this.maybeOpen();
    };
    this.sock.ev.on("messaging-history.set", ({ syncType }) => {
      if (syncType === proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP) done("stored");
    });
    this.bootstrapTimer = setTimeout(() => {
      this.log.warn({ waitedMs: BOOTSTRAP_WAIT_MS }, "no initial history sync after linking: sends to new contacts may need a privacy token (463)");
      done("timeout");
    }, BOOTSTRAP_WAIT_MS);
    this.bootstrapTimer.unref?.();
  }

  private maybeOpen(): void {
    if (this.opened || !this.connectionOpen || !this.caughtUp || this.awaitingBootstrap || this.finished) return;
    this.opened = true;
    const [jid = ""] = this.myJids();
    const pushName = this.sock.user?.name;
    this.emit({ type: "open", jid, phoneNumber: jidDecode(jid)?.user ?? "", ...(pushName ? { pushName } : {}) });
    this.emitAll(this.early.splice(0));
  }

  private onUpsert({ messages, type }: BaileysEventMap["messages.upsert"]): void {
    const forwarded = [];
    for (const message of messages) {
      const ownSend = !!message.key.id && this.sent.has(message.key.id);
      if (ownSend) this.emitAll(foldedStatus(message));
      const vote = normalizeMessageContent(message.message)?.pollUpdateMessage;
      if (vote) void this.onPollVote(message, vote);
      if (isForwardable(message, ownSend)) forwarded.push(upsertMessageJson(message));
    }
    if (forwarded.length > 0) this.emit({ type: "messages", upsertType: type, messages: forwarded });
  }

  private async onPollVote(message: WAMessage, vote: NonNullable<ReturnType<typeof normalizeMessageContent>>["pollUpdateMessage"]): Promise<void> {
    const pollMessageId = vote?.pollCreationMessageKey?.id;
    if (!vote || !pollMessageId) return;
    try {
      const poll = await this.polls.get(this.options.sessionId, pollMessageId);
      if (!poll) return this.log.debug({ pollMessageId }, "vote on a poll this session did not send (or has forgotten)");
      const myJids = this.myJids();
      const selectedOptions = decryptVote(vote, message.key, { ...poll, pollMessageId }, myJids);
      if (!selectedOptions) return this.log.warn({ pollMessageId }, "a poll vote could not be decrypted");
      const sentAt = vote.senderTimestampMs ? toNumber(vote.senderTimestampMs) : toNumber(message.messageTimestamp) * 1000;
      this.emit({
        type: "poll_vote",
        pollMessageId,
        chatJid: message.key.remoteJid ?? "",
        voter: personJid(message.key, myJids[0] ?? ""),
        selectedOptions,
        at: sentAt || Date.now(),
      });
    } catch (error) {
      this.log.warn({ err: error, pollMessageId }, "handling a poll vote failed");
    }
  }

  /** The first ack of a message we wrote settles its send; without an error it also means "sent". */
  private onServerAck(node: BinaryNode): void {
    const { id, from, t, error } = node.attrs;
    if (!id) return;
    const at = t ? Number(t) : Math.floor(Date.now() / 1000);
    if (!this.acks.settle(id, { at, ...(error ? { error } : {}) }) || error) return;
    this.emit({ type: "message_status", messageId: id, remoteJid: from ?? "", status: "sent", at: at * 1000 });
  }

  private finish(statusCode: number | undefined, message: string): void {
    if (this.finished) return;
    clearTimeout(this.closeTimer);
    clearTimeout(this.bootstrapTimer);
    // Never opened, yet messages came (and Baileys acked them): they are delivered rather than lost.
    for (const event of this.early.splice(0)) this.deliver(event);
    this.finished = true;
    this.acks.settleAll();
    this.releaseConsole();
    const reason = closeReason(statusCode, { closedByUs: this.closedByUs, pairing: this.sawQr && !this.opened, pairingCodeRefused: this.pairingCodeRefused, message });
    this.deliver({ type: "close", reason, ...(statusCode !== undefined ? { statusCode } : {}), message });
  }

  private emitAll(events: DriverEvent[]): void {
    for (const event of events) this.emit(event);
  }

  /** Nothing follows `close`; session events wait for `open` so the worker sees them in a sensible order. */
  private emit(event: DriverEvent): void {
    if (this.finished) return;
    if (!this.opened && AFTER_OPEN.has(event.type)) {
      this.early.push(event);
      return;
    }
    this.deliver(event);
  }

  private deliver(event: DriverEvent): void {
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.log.error({ err: error, event: event.type }, "a WhatsApp event handler threw");
    }
  }
}
