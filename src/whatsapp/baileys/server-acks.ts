/** WhatsApp's answer to one sent message: when it took it, or the error it refused it with. */
interface ServerAck {
  /** Unix seconds, from the server's clock. */
  at: number;
  error?: string;
}

/**
 * Sends wait for the server's ack: it carries WhatsApp's timestamp and, for a restricted account, the
 * 463 refusal, which Baileys otherwise only reports later as a status update. Baileys ignores acks without
 * an error, so the session listens to the raw `ack` stanzas itself. No ack in time, or the socket went
 * away after the message was written: the send is treated as done (resolves undefined), because retrying
 * a message that may have gone out would send it twice.
 */
export class ServerAcks {
  private readonly waiting = new Map<string, (ack: ServerAck | undefined) => void>();

  constructor(private readonly timeoutMs: number) {}

  /** Call before writing the message, so a fast ack cannot be missed. */
  expect(id: string): Promise<ServerAck | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, undefined), this.timeoutMs);
      this.waiting.set(id, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }

  /** Returns whether a send was waiting for this ack (false for repeats and resends). */
  settle(id: string, ack: ServerAck | undefined): boolean {
    const resolve = this.waiting.get(id);
    if (!resolve) return false;
    this.waiting.delete(id);
    resolve(ack);
    return true;
  }

  /** The socket ended: nobody will ack now. */
  settleAll(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, undefined);
  }
}
