import { proto } from '../../whatsapp/protocol.ts';
import type { KeyPair } from '../crypto/curve.ts';
import { NoiseResponder, type TransportKeys } from './noise-handshake.ts';

/** What the server owns for every handshake: its static key and the chain certifying it. */
export interface ServerIdentity {
  readonly staticKey: KeyPair;
  readonly certChain: Buffer;
}

/**
 * Drives one responder handshake: ClientHello in, ServerHello out, ClientFinish in. The result is the
 * client's static key (its long-term Noise key), its ClientPayload, and the transport keys.
 */
export class ServerHandshake {
  private readonly noise = new NoiseResponder();
  private clientEphemeral?: Buffer;

  constructor(
    private readonly identity: ServerIdentity,
    private readonly ephemeral: KeyPair,
  ) {}

  /** Consumes the ClientHello frame and returns the ServerHello frame to send back. */
  answerHello(frame: Uint8Array): Buffer {
    const hello = proto.HandshakeMessage.decode(frame).clientHello;
    if (!hello?.ephemeral || hello.ephemeral.length !== 32) throw new Error('ClientHello without ephemeral key');
    this.clientEphemeral = Buffer.from(hello.ephemeral);
    this.noise.mixHash(this.clientEphemeral);
    this.noise.mixHash(this.ephemeral.public);
    this.noise.mixDh(this.ephemeral.private, this.clientEphemeral);
    const encryptedStatic = this.noise.encryptAndHash(this.identity.staticKey.public);
    this.noise.mixDh(this.identity.staticKey.private, this.clientEphemeral);
    const payload = this.noise.encryptAndHash(this.identity.certChain);
    const serverHello = { ephemeral: this.ephemeral.public, static: encryptedStatic, payload };
    return Buffer.from(proto.HandshakeMessage.encode({ serverHello }).finish());
  }

  /** Consumes the ClientFinish frame. Throws if it does not decrypt: a wrong key or a tampered frame. */
  readFinish(frame: Uint8Array): { clientStatic: Buffer; payload: proto.ClientPayload; keys: TransportKeys } {
    const finish = proto.HandshakeMessage.decode(frame).clientFinish;
    if (!finish?.static || !finish.payload) throw new Error('ClientFinish incomplete');
    const clientStatic = this.noise.decryptAndHash(finish.static);
    this.noise.mixDh(this.ephemeral.private, clientStatic);
    const payload = proto.ClientPayload.decode(this.noise.decryptAndHash(finish.payload));
    return { clientStatic, payload, keys: this.noise.split() };
  }
}
