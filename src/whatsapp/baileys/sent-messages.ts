import type { proto } from "@whiskeysockets/baileys";

/**
 * The last messages one socket sent, by id. Baileys asks for them (`getMessage`) when a recipient's
 * device could not decrypt and sends a retry receipt, possibly hours later when it comes back online;
 * its own recent-message cache forgets after five minutes. The ids also tell our own sends' echoes
 * (upserts, reactions) apart from what the phone sent. Bounded, because memory per session matters.
 */
export class SentMessages {
  /** null while the send is under way: its echo may come back before sendMessage returns. */
  private readonly messages = new Map<string, proto.IMessage | null>();

  constructor(private readonly limit = 64) {}

  add(id: string, message: proto.IMessage | null): void {
    this.messages.delete(id);
    this.messages.set(id, message);
    if (this.messages.size > this.limit) {
      const oldest = this.messages.keys().next().value;
      if (oldest !== undefined) this.messages.delete(oldest);
    }
  }

  get(id: string): proto.IMessage | undefined {
    return this.messages.get(id) ?? undefined;
  }

  has(id: string): boolean {
    return this.messages.has(id);
  }
}
