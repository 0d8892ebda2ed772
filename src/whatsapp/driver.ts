import type { HistorySyncPolicy } from "../config/history-sync.ts";
import type { GroupCreateResult, GroupParticipantsResult, MessageResult } from "../contracts/jobs/index.ts";
import type { MessageStatus as ContractMessageStatus } from "../contracts/worker-api/vocabulary.ts";
import type { Logger } from "../platform/logger.ts";
import type { WaVersion } from "../config/wa-version.ts";

/*
 * The narrow doorway between the worker and WhatsApp. Only `src/whatsapp/`
 * imports Baileys; the worker sees one socket lifetime at a time through these
 * types, and decides itself what a close means (reconnect, back off, give up).
 * Everything that crosses this boundary is plain JSON-safe data.
 */


/** Where WhatsApp is. Both unset means the real WhatsApp; set, they point at the project's simulator. */
export interface WhatsAppEndpoint {
  /** The chat WebSocket URL (Baileys' `waWebSocketUrl`). */
  wsUrl?: string;
  /** The 32-byte Curve25519 root key the server's Noise certificate chain must be signed by. */
  trustKey?: Uint8Array;
  /** Unset: `metadata`. */
  historySync?: HistorySyncPolicy;
  /** The WA Web client version to announce; unset, the pinned DEFAULT_WA_VERSION. */
  version?: WaVersion;
}

/** Why a socket closed, as far as the worker needs to know. */
export type CloseReason =
  /** 401: the phone removed this device, or the creds are no longer valid. Auth is useless now. */
  | "logged_out"
  /** 440: another connection for the same device took over. */
  | "replaced"
  /** 515: pairing finished; open a new socket with the saved creds at once. */
  | "restart_required"
  /** 408 while pairing: every QR expired without a scan. */
  | "qr_timeout"
  /** 405 at login: WhatsApp has retired the WA Web version this client announces; only a newer one (--wa-version) helps. */
  | "version_refused"
  /** WhatsApp refused this account (403 forbidden, banned): reconnecting will not help. */
  | "forbidden"
  /**
   * The server could not prove it is WhatsApp (or the configured simulator): its Noise certificate chain
   * is not signed by the trusted root, or does not certify its key. Refused before any QR is shown.
   */
  | "untrusted_server"
  /** WhatsApp refused the pairing-code request (a wrong number, a device name it rejects, too many tries). */
  | "pairing_code_refused"
  /** The network, the server or a timeout dropped the socket: reconnect with backoff. */
  | "connection_lost"
  /** We closed it (close() or logout()). */
  | "closed";

/** The auth state a socket reads and writes: Baileys' creds and Signal keys, persisted elsewhere. */
export interface SessionAuth {
  /** Baileys' AuthenticationState (creds + SignalKeyStore); opaque to the worker. */
  readonly state: unknown;
  saveCreds(): Promise<void>;
}

/** JSON-safe protobuf JSON: byte fields as base64 strings, 64-bit numbers as numbers. */
export type ProtoJson = Record<string, unknown>;

export interface MessageKey {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
}

/** One message as contract B's `messages.upsert` carries it (plus Baileys' other fields, JSON-safe). */
export interface UpsertMessage {
  key: MessageKey;
  message: ProtoJson | null;
  pushName?: string;
  /** Unix seconds. */
  messageTimestamp?: number;
  [field: string]: unknown;
}

/** What WhatsApp reports of a sent message: contract A's message statuses but `pending`, which is ours until a report. */
export type MessageStatus = Exclude<ContractMessageStatus, "pending">;

/** What one socket reports, in the order it happens. Every `at` is unix milliseconds. */
export type DriverEvent =
  | { type: "qr"; qr: string }
  | { type: "pairing_code"; code: string }
  /** Connected and past Baileys' initial buffering: sends work now. `phoneNumber` is E.164 digits without "+". */
  | { type: "open"; jid: string; phoneNumber: string; pushName?: string }
  /** Always the last event of a socket. */
  | { type: "close"; reason: CloseReason; statusCode?: number; message: string }
  /** contract B's messages.upsert `data`; `type` is Baileys' ("notify" for new messages). */
  | { type: "messages"; upsertType: "notify" | "append"; messages: UpsertMessage[] }
  | { type: "message_status"; messageId: string; remoteJid: string; participant?: string; status: MessageStatus; at: number; error?: string }
  | { type: "reaction"; key: MessageKey; emoji: string; from: string; at: number }
  | { type: "poll_vote"; pollMessageId: string; chatJid: string; voter: string; selectedOptions: string[]; at: number }
  | { type: "group_participants"; groupJid: string; author?: string; action: "add" | "remove" | "promote" | "demote"; participants: string[]; at: number };

/** A media file ready to send: already downloaded (or decoded from base64) and size-checked. */
export interface OutgoingMedia {
  type: "image" | "video" | "audio" | "document" | "sticker";
  data: Uint8Array;
  mimetype?: string;
  caption?: string;
  fileName?: string;
  ptt?: boolean;
}

/** Thrown by WhatsAppSession operations; the worker maps `code` to a job failure. */
export class DriverError extends Error {
  constructor(
    readonly code: "NOT_CONNECTED" | "NOT_ON_WHATSAPP" | "RESTRICTED" | "RECIPIENT_TOKEN_REQUIRED" | "GROUP_NOT_FOUND" | "NOT_GROUP_ADMIN" | "WHATSAPP_ERROR",
    message: string,
  ) {
    super(message);
    this.name = "DriverError";
  }
}

/** One socket's lifetime. Operations reject with DriverError. */
export interface WhatsAppSession {
  sendText(to: string, text: string, mentions?: string[]): Promise<MessageResult>;
  sendMedia(to: string, media: OutgoingMedia): Promise<MessageResult>;
  sendPoll(to: string, poll: { name: string; options: string[]; selectableCount: number }): Promise<MessageResult>;
  /** An empty emoji removes this session's reaction. */
  sendReaction(to: string, key: MessageKey, emoji: string): Promise<MessageResult>;
  sendReply(to: string, text: string, quoted: { key: MessageKey; message?: ProtoJson }): Promise<MessageResult>;
  createGroup(subject: string, participants: string[]): Promise<GroupCreateResult>;
  updateParticipants(groupJid: string, action: "add" | "remove" | "promote" | "demote", participants: string[]): Promise<GroupParticipantsResult>;
  /** Tells WhatsApp this device is gone, then closes (event `close` with reason "closed"). */
  logout(): Promise<void>;
  /** Closes the socket and keeps the auth; emits `close` with reason "closed". Idempotent. */
  close(): void;
}

/** Remembers the polls a session sent, so later votes can be decrypted (rc14 leaves that to the app). */
export interface PollStore {
  save(sessionId: string, pollMessageId: string, poll: { options: string[]; secret: string; creatorJid: string }): Promise<void>;
  get(sessionId: string, pollMessageId: string): Promise<{ options: string[]; secret: string; creatorJid: string } | null>;
}

export interface OpenSessionOptions {
  sessionId: string;
  auth: SessionAuth;
  /** Ask for a pairing code for this number (digits) instead of showing QR codes. */
  pairingPhone?: string;
  /**
   * The first login after pairing. The phone's initial history sync carries the LID mappings and privacy
   * tokens sends need (error 463 without a token), so `open` waits for it (or a few seconds at most).
   */
  justPaired?: boolean;
  onEvent(event: DriverEvent): void;
  log: Logger;
}

export interface WhatsAppDriver {
  /** Opens one socket; its events arrive through `onEvent`, ending with one `close`. */
  open(options: OpenSessionOptions): WhatsAppSession;
}
