import { gcmDecrypt, gcmEncrypt, type TransportKeys } from './noise-handshake.ts';

const nonceIv = (counter: number): Buffer => {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter >>> 0, 8);
  return iv;
};

/** Post-handshake AES-GCM with one counter per direction and no associated data. */
export class NoiseTransport {
  private sendCounter = 0;
  private recvCounter = 0;

  constructor(private readonly keys: TransportKeys) {}

  encrypt(plain: Uint8Array): Buffer {
    return gcmEncrypt(this.keys.sendKey, nonceIv(this.sendCounter++), plain, Buffer.alloc(0));
  }

  decrypt(sealed: Uint8Array): Buffer {
    return gcmDecrypt(this.keys.recvKey, nonceIv(this.recvCounter++), sealed, Buffer.alloc(0));
  }
}

/** Prefixes a payload with WhatsApp's 3-byte big-endian length. */
export const encodeFrame = (payload: Uint8Array): Buffer => {
  const frame = Buffer.allocUnsafe(payload.length + 3);
  frame.writeUIntBE(payload.length, 0, 3);
  frame.set(payload, 3);
  return frame;
};

/**
 * Reassembles 3-byte-length frames from WebSocket messages, which need not align with frames.
 * The client's first message starts with the 4-byte `WA` intro header, which is stripped once.
 */
export class FrameReader {
  private buffered = Buffer.alloc(0);
  private introPending = true;

  constructor(private readonly introLength: number) {}

  push(data: Uint8Array): Buffer[] {
    this.buffered = Buffer.concat([this.buffered, data]);
    if (this.introPending) {
      if (this.buffered.length < this.introLength) return [];
      this.buffered = this.buffered.subarray(this.introLength);
      this.introPending = false;
    }
    const frames: Buffer[] = [];
    while (this.buffered.length >= 3) {
      const size = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < size + 3) break;
      frames.push(this.buffered.subarray(3, size + 3));
      this.buffered = this.buffered.subarray(size + 3);
    }
    return frames;
  }
}
