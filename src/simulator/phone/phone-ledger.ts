import type { proto } from '../../whatsapp/protocol.ts';

/** Adds to a bounded map or set, dropping the oldest entry beyond `limit`. */
const bounded = <K>(collection: Map<K, unknown> | Set<K>, limit: number): void => {
  if (collection.size <= limit) return;
  const oldest = collection.keys().next();
  if (!oldest.done) collection.delete(oldest.value);
};

/**
 * A simulated phone's bookkeeping beyond Signal: what it sent (to send again on a retry request),
 * which messages it already asked a retry for, and the receipts its own messages got. Bounded, so a
 * long sandbox or benchmark run does not grow without end.
 */
export class PhoneLedger {
  private readonly sent = new Map<string, proto.IMessage>();
  private readonly retried = new Set<string>();
  private readonly receipts = new Map<string, Set<string>>();

  rememberSent(messageId: string, message: proto.IMessage): void {
    this.sent.set(messageId, message);
    bounded(this.sent, 1_000);
  }

  sentMessage(messageId: string): proto.IMessage | undefined {
    return this.sent.get(messageId);
  }

  /** True the first time a message fails to decrypt, so each message is retried once. */
  firstRetryFor(messageId: string): boolean {
    if (this.retried.has(messageId)) return false;
    this.retried.add(messageId);
    bounded(this.retried, 1_000);
    return true;
  }

  recordReceipt(messageId: string, type: string): void {
    const seen = this.receipts.get(messageId) ?? new Set<string>();
    seen.add(type);
    this.receipts.set(messageId, seen);
    bounded(this.receipts, 10_000);
  }

  receiptsFor(messageId: string): string[] {
    return [...(this.receipts.get(messageId) ?? [])];
  }
}
