import type { MessageStatus } from "../../contracts/worker-api/vocabulary.ts";

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
 * All storage of the `message_statuses` table, and its rule: a status only
 * replaces one that is not further along. The table's only writer
 * (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface MessageStatusStore {
  /** Records a message's new status unless it already has a later one. Returns whether it changed. */
  apply(u: MessageUpdate): boolean;
}
