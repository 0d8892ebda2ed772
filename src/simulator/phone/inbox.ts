import type { proto } from '../../whatsapp/protocol.ts';

/** One message as the simulated phone decrypted it. */
export interface InboxEntry {
  readonly id: string;
  /** The chat: the other person's jid for 1:1, the group jid for groups. */
  readonly chat: string;
  /** The sending device's jid. */
  readonly from: string;
  readonly receivedAt: number;
  readonly message: proto.IMessage;
}

export interface Inbox {
  add(entry: InboxEntry): void;
  list(): readonly InboxEntry[];
  /** Resolves with the first entry (already there or arriving later) that matches. */
  waitFor(match: (entry: InboxEntry) => boolean, timeoutMs?: number): Promise<InboxEntry>;
}

/** A phone keeps its latest messages only, so a long sandbox or benchmark run stays bounded. */
const KEPT = 2_000;

export const createInbox = (): Inbox => {
  const entries: InboxEntry[] = [];
  const waiters = new Set<(entry: InboxEntry) => void>();
  return {
    add(entry) {
      entries.push(entry);
      if (entries.length > KEPT) entries.shift();
      for (const waiter of [...waiters]) waiter(entry);
    },
    list: () => entries,
    waitFor(match, timeoutMs = 10_000) {
      const existing = entries.find(match);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error('timed out waiting for an inbox entry'));
        }, timeoutMs);
        const waiter = (entry: InboxEntry): void => {
          if (!match(entry)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(entry);
        };
        waiters.add(waiter);
      });
    },
  };
};
