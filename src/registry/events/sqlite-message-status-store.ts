import { eq, sql } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { MessageStatus } from "../../contracts/worker-api/vocabulary.ts";
import { placeholders } from "../../platform/db/placeholders.ts";
import type { MessageStatusStore, MessageUpdate } from "./message-status-store.ts";
import { messageStatuses } from "./schema.ts";

/**
 * How far along a message is. Reports can arrive out of order (HTTP retries,
 * concurrent requests), so a status only replaces one that is not further
 * along: a late "sent" never undoes "read". "failed" ranks above "sent" (the
 * send was accepted, then failed) and below "delivered" (which cannot fail).
 */
const PROGRESS: Record<MessageStatus, number> = { pending: 0, sent: 1, failed: 2, delivered: 3, read: 4, played: 5 };

const m = messageStatuses;
/** The new row's value of a column, in an upsert's update. */
const excluded = (key: keyof typeof m._.columns) => sql.raw(`excluded."${m[key].name}"`);

/**
 * The `message_statuses` table in the coordinator's SQLite file. Every sent
 * message passes here three times or more (sent, delivered, read), so its two
 * statements are prepared once.
 */
export class SqliteMessageStatusStore implements MessageStatusStore {
  private readonly current;
  private readonly upsert;

  constructor(orm: BunSQLiteDatabase) {
    this.current = orm.select({ status: m.status }).from(m).where(eq(m.messageId, sql.placeholder("messageId"))).prepare();
    this.upsert = orm
      .insert(m)
      .values(placeholders(m))
      .onConflictDoUpdate({
        target: m.messageId,
        // An update leaves recipient and error as they were unless this report carries them.
        set: {
          sessionId: excluded("sessionId"),
          workerId: excluded("workerId"),
          status: excluded("status"),
          recipient: sql`COALESCE(${excluded("recipient")}, ${m.recipient})`,
          error: sql`COALESCE(${excluded("error")}, ${m.error})`,
          statusAt: excluded("statusAt"),
          eventId: excluded("eventId"),
          updatedAt: excluded("updatedAt"),
        },
      })
      .prepare();
  }

  apply(u: MessageUpdate): boolean {
    const current = this.current.get({ messageId: u.messageId });
    if (current && PROGRESS[current.status] > PROGRESS[u.status]) return false;
    const { at, ...rest } = u;
    this.upsert.run({ ...rest, recipient: u.recipient ?? null, error: u.error ?? null, createdAt: at, updatedAt: at });
    return true;
  }
}
