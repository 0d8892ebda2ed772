import type { Database } from "bun:sqlite";
import type { MessageStatus } from "../../contracts/worker-api/vocabulary.ts";

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

/**
 * The message_statuses table's one write. Every sent message passes here three
 * times or more (sent, delivered, read), so its two statements are prepared once.
 */
export class MessageStatusWriter {
  private readonly current;
  private readonly upsert;

  constructor(sqlite: Database) {
    this.current = sqlite.prepare<{ status: MessageStatus }, [string]>("SELECT status FROM message_statuses WHERE message_id = ?");
    // An update leaves recipient and error as they were unless this report carries them.
    this.upsert = sqlite.prepare<never, [string, string, string, MessageStatus, string | null, string | null, number, string, number, number]>(
      `INSERT INTO message_statuses (message_id, session_id, worker_id, status, recipient, error, status_at, event_id, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (message_id) DO UPDATE SET session_id = excluded.session_id, worker_id = excluded.worker_id, status = excluded.status,
         recipient = COALESCE(excluded.recipient, recipient), error = COALESCE(excluded.error, error),
         status_at = excluded.status_at, event_id = excluded.event_id, updated_at = excluded.updated_at`,
    );
  }

  /** Records a message's new status unless it already has a later one. Returns whether it changed. */
  apply(u: MessageUpdate): boolean {
    const current = this.current.get(u.messageId);
    if (current && PROGRESS[current.status] > PROGRESS[u.status]) return false;
    this.upsert.run(u.messageId, u.sessionId, u.workerId, u.status, u.recipient ?? null, u.error ?? null, u.statusAt, u.eventId, u.at, u.at);
    return true;
  }
}
