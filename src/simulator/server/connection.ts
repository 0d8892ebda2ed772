import { type BinaryNode, decodeBinaryNode, encodeBinaryNode, type proto } from '../../whatsapp/protocol.ts';
import type { KeyPair } from '../crypto/curve.ts';
import { ServerHandshake, type ServerIdentity } from '../noise/server-handshake.ts';
import { FrameReader, NoiseTransport, encodeFrame } from '../noise/noise-transport.ts';
import type { Account, LinkedDevice } from '../world/account.ts';

/** The socket as a connection needs it: bytes out, and a way to hang up. */
interface Wire {
  send(data: Uint8Array): void;
  close(): void;
}

interface ConnectionHooks {
  /** The handshake finished; the client is either registering (pairing) or logging in. */
  onAuthenticated(conn: Connection, payload: proto.ClientPayload): Promise<void>;
  onNode(conn: Connection, node: BinaryNode): Promise<void>;
  onClosed(conn: Connection): void;
}

const INTRO_LENGTH = 4; // "WA" + protocol version + dictionary version

/** One client socket: Noise handshake, then encrypted binary nodes in both directions, in order. */
export class Connection {
  clientStatic?: Buffer;
  /** Set once the client logged in as a known linked device. */
  bound?: { account: Account; device: LinkedDevice };
  private readonly reader = new FrameReader(INTRO_LENGTH);
  private handshake?: ServerHandshake;
  private helloAnswered = false;
  private transport?: NoiseTransport;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly awaiting = new Map<string, (reply: BinaryNode) => void>();

  constructor(
    private readonly wire: Wire,
    identity: ServerIdentity,
    ephemeral: KeyPair,
    private readonly hooks: ConnectionHooks,
  ) {
    this.handshake = new ServerHandshake(identity, ephemeral);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Frames are processed strictly one after another, as the client sent them. A frame that fails to
   * decrypt or decode is a protocol violation and ends the connection.
   */
  receive(data: Uint8Array): void {
    for (const frame of this.reader.push(data)) {
      this.queue = this.queue.then(() => this.handleFrame(frame)).catch(() => this.close());
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.closed) return;
    if (this.transport) {
      await this.hooks.onNode(this, await decodeBinaryNode(this.transport.decrypt(frame)));
      return;
    }
    const handshake = this.handshake;
    if (!handshake) throw new Error('handshake state lost');
    if (!this.helloAnswered) {
      this.helloAnswered = true;
      this.wire.send(encodeFrame(handshake.answerHello(frame)));
      return;
    }
    const { clientStatic, payload, keys } = handshake.readFinish(frame);
    this.clientStatic = clientStatic;
    this.transport = new NoiseTransport(keys);
    this.handshake = undefined;
    await this.hooks.onAuthenticated(this, payload);
  }

  /** Waits for the client's iq answer to a server-initiated iq with this id. */
  awaitReply(id: string, timeoutMs = 10_000): Promise<BinaryNode> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.awaiting.delete(id);
        reject(new Error(`no reply to iq ${id}`));
      }, timeoutMs);
      this.awaiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  /** Routes an iq result/error to whoever awaits it; returns false if nobody does. */
  settleReply(reply: BinaryNode): boolean {
    const id = reply.attrs.id;
    const waiter = id === undefined ? undefined : this.awaiting.get(id);
    if (!waiter || id === undefined) return false;
    this.awaiting.delete(id);
    waiter(reply);
    return true;
  }

  sendNode(node: BinaryNode): void {
    if (this.closed || !this.transport) return;
    this.wire.send(encodeFrame(this.transport.encrypt(encodeBinaryNode(node))));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wire.close();
    this.hooks.onClosed(this);
  }

  /** Called when the peer closed the socket. */
  closedByPeer(): void {
    if (this.closed) return;
    this.closed = true;
    this.hooks.onClosed(this);
  }
}
