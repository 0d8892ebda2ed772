import type { BinaryNode } from '../../whatsapp/protocol.ts';
import type { ServerIdentity } from '../noise/server-handshake.ts';
import type { Account, LinkedDevice } from '../world/account.ts';
import type { World } from '../world/world.ts';
import type { Connection } from './connection.ts';
import type { MediaHost } from '../media/media-host.ts';
import type { PendingPairing } from '../pairing/pending-pairing.ts';
import { type PairingBehaviour, pairingBehaviour } from './server-behaviour.ts';
import type { WaVersion } from '../../config/wa-version.ts';
import type { ClientVersion } from './client-version.ts';

/** Receipt behaviour of simulated phones, changeable at run time through the control API. */
export interface ReceiptSettings {
  deliveredDelayMs: number;
  readDelayMs: number;
  /** Simulated phones decrypt but never send receipts: the "lost receipts" fault. */
  lose: boolean;
}

const QUEUED_TAGS = new Set(['message', 'receipt', 'notification']);
const MAX_OFFLINE_PER_DEVICE = 5_000;
const MAX_OVERLAPS_KEPT = 100;

/** A login for a device that still had an open connection: two live sockets for one device at once. */
export interface LoginOverlap {
  /** `<phone>:<device>` */
  readonly device: string;
  /** Unix ms. */
  readonly at: number;
}

/** Who sent a relayed message, so the recipients' receipts can be routed back. */
interface SentRecord {
  readonly sender: Account;
  /** 0 when a simulated phone sent it. */
  readonly deviceId: number;
  /** The `to` of the original stanza: a user jid (PN or LID) or a group jid. */
  readonly chat: string;
}

/**
 * How the server names the people in 1:1 traffic: `lid` as WhatsApp does today (`from=<lid>@lid`, with
 * `sender_pn` only where it still discloses the number), `pn` as it did before (`from=<phone>`, with
 * `sender_lid`). Groups are LID-addressed either way.
 */
export type Addressing = 'lid' | 'pn';

/** Everything handlers share: the world, live connections, and fault switches. */
export class SimContext {
  readonly connections = new Map<string, Connection>();
  readonly pendingPairings: PendingPairing[] = [];
  readonly receipts: ReceiptSettings;
  /** How long a phone takes to send a new device its initial history sync (0: at once). */
  historySyncDelayMs = 0;
  /** How linking behaves: today's server unless a test asks for the old one. */
  pairing: PairingBehaviour = pairingBehaviour('current');
  /** Timers for delayed receipts and phone actions, cleared on stop. */
  readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** The latest failures inside handlers, newest last; a healthy run keeps this empty. */
  readonly errors: string[] = [];
  /** Messages from linked clients the server acknowledged: what load generators count (`GET /sim/stats`). */
  clientMessagesAcked = 0;
  /**
   * Logins that replaced a still-open connection of the same device. A gateway that keeps one owner per
   * session never causes one, so cluster tests assert this stays 0 (`GET /sim/stats`).
   */
  replacedLogins = 0;
  /** The latest of those overlaps, oldest first, bounded. */
  readonly overlaps: LoginOverlap[] = [];
  /** Clients announcing an older WA Web version are refused as retired (see client-version.ts). */
  minClientVersion?: WaVersion;
  /** While Date.now() is before this, WhatsApp is unreachable: the WebSocket endpoint refuses upgrades (faults.ts). */
  unreachableUntil = 0;
  /** The versions the latest connections announced, oldest first, bounded. */
  readonly clientVersions: ClientVersion[] = [];
  media?: MediaHost;
  addressing: Addressing = 'lid';
  // Sets, so a second listener cannot silently replace the first.
  private readonly changeListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(message: string) => void>();
  private readonly sent = new Map<string, SentRecord>();
  private readonly offline = new Map<string, BinaryNode[]>();

  constructor(
    readonly world: World,
    readonly identity: ServerIdentity,
    receipts: Partial<ReceiptSettings>,
  ) {
    this.receipts = { deliveredDelayMs: 0, readDelayMs: 0, lose: false, ...receipts };
  }

  static key(phone: string, device: number): string {
    return `${phone}:${device}`;
  }

  connectionOf(account: Account, device: LinkedDevice | number): Connection | undefined {
    const id = typeof device === 'number' ? device : device.id;
    const conn = this.connections.get(SimContext.key(account.phone, id));
    return conn?.isOpen ? conn : undefined;
  }

  /**
   * Sends to a linked device now, or keeps messages, receipts and notifications until it logs in
   * again, as WhatsApp's server does for offline devices. Anything else is dropped.
   */
  sendTo(account: Account, device: LinkedDevice | number, node: BinaryNode): 'sent' | 'queued' | 'dropped' {
    const id = typeof device === 'number' ? device : device.id;
    const conn = this.connectionOf(account, id);
    if (conn) {
      conn.sendNode(node);
      return 'sent';
    }
    if (!QUEUED_TAGS.has(node.tag) || !account.devices.has(id)) return 'dropped';
    const key = SimContext.key(account.phone, id);
    const queue = this.offline.get(key) ?? [];
    if (queue.length >= MAX_OFFLINE_PER_DEVICE) queue.shift();
    queue.push(node);
    this.offline.set(key, queue);
    return 'queued';
  }

  /** Hands over (and forgets) what piled up while the device was offline. */
  takeOffline(account: Account, device: LinkedDevice): BinaryNode[] {
    const key = SimContext.key(account.phone, device.id);
    const queue = this.offline.get(key) ?? [];
    this.offline.delete(key);
    return queue;
  }

  forgetDevice(account: Account, deviceId: number): void {
    this.offline.delete(SimContext.key(account.phone, deviceId));
  }

  recordOverlap(device: string): void {
    this.replacedLogins += 1;
    this.overlaps.push({ device, at: Date.now() });
    if (this.overlaps.length > MAX_OVERLAPS_KEPT) this.overlaps.shift();
  }

  /** Remembers recent sends; old entries go first so memory stays bounded under load. */
  recordSent(id: string, record: SentRecord): void {
    this.sent.set(id, record);
    if (this.sent.size > 50_000) this.sent.delete(this.sent.keys().next().value ?? '');
  }

  sentRecord(id: string): SentRecord | undefined {
    return this.sent.get(id);
  }

  /**
   * Records a failure inside a handler. One bad stanza must not take the client's socket down (a real
   * server would answer it with an error), but a test should be able to see that it happened.
   */
  reportError(where: string, error: unknown): void {
    const message = `${where}: ${error instanceof Error ? error.message : String(error)}`;
    this.errors.push(message);
    if (this.errors.length > 100) this.errors.shift();
    for (const listener of this.errorListeners) listener(message);
  }

  /** Tells `listener` about every handler failure as it happens, e.g. to log it; returns the unsubscribe. */
  onHandlerError(listener: (message: string) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Says that state may have changed (the state file saves soon after). */
  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  onChanged(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  later(delayMs: number, task: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve().then(task).catch((error: unknown) => this.reportError('timer', error));
    }, delayMs);
    this.timers.add(timer);
  }
}
