import { eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { messageStatuses, type MessageStatus } from "./schema.ts";

/**
 * How far along a message is. Reports can arrive out of order (HTTP retries,
 * concurrent requests), so a status only replaces one that is not further
 * along: a late "sent" never undoes "read". "failed" ranks above "sent" (the
 * send was accepted, then failed) and below "delivered" (which cannot fail).
 */
const PROGRESS: Record<MessageStatus, number> = { pending: 0, sent: 1, failed: 2, delivered: 3, read: 4, played: 5 };

export interface MessageUpdate {
  messageId: string;
  sessionId: string;
  workerId: string;
  status: MessageStatus;
  recipient?: string;
  error?: string;
  /** When the status happened, by the worker's account if it said. */
  statusAt: number;
  eventId: string;
  at: number;
}

/** Records a message's new status unless it already has a later one. Returns whether it changed. */
export function applyMessageUpdate(orm: BunSQLiteDatabase, u: MessageUpdate): boolean {
  const current = orm.select({ status: messageStatuses.status }).from(messageStatuses).where(eq(messageStatuses.messageId, u.messageId)).get();
  if (current && PROGRESS[current.status] > PROGRESS[u.status]) return false;
  const set = {
    sessionId: u.sessionId,
    workerId: u.workerId,
    status: u.status,
    statusAt: u.statusAt,
    eventId: u.eventId,
    updatedAt: u.at,
    ...(u.recipient !== undefined && { recipient: u.recipient }),
    ...(u.error !== undefined && { error: u.error }),
  };
  orm
    .insert(messageStatuses)
    .values({ messageId: u.messageId, createdAt: u.at, ...set })
    .onConflictDoUpdate({ target: messageStatuses.messageId, set })
    .run();
  return true;
}
