import type { Database } from "bun:sqlite";
import { uuidV7Floor } from "../registry/metrics/time-ids.ts";

/** Rows deleted per statement, so retention never holds the write lock for long. */
const CHUNK = 5000;

/**
 * Deletes events older than the retention period, with their webhook
 * deliveries and attempts. It runs in short chunks, so a first run over a
 * large backlog does not stall event intake.
 */
export class EventRetention {
  private readonly statements;

  constructor(
    sqlite: Database,
    private readonly keepMs: number,
  ) {
    const chunk = (sql: string) => sqlite.query<never, { cutoff: number; floor: string }>(sql);
    this.statements = {
      attempts: chunk(`DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts WHERE at < $cutoff ORDER BY id LIMIT ${CHUNK})`),
      // Delivery ids are UUIDv7, which sort by creation time.
      deliveries: chunk(`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE id < $floor ORDER BY id LIMIT ${CHUNK})`),
      events: chunk(`DELETE FROM event_ledger WHERE position IN (SELECT position FROM event_ledger WHERE received_at < $cutoff ORDER BY position LIMIT ${CHUNK})`),
    };
  }

  /** Deletes what is older than `keepMs` as of `now`; returns how many events went. */
  run(now: number): number {
    const cutoff = now - this.keepMs;
    const params = { cutoff, floor: uuidV7Floor(cutoff) };
    const drain = (statement: { run(p: typeof params): { changes: number } }) => {
      let total = 0;
      for (let n = CHUNK; n === CHUNK; total += n) n = statement.run(params).changes;
      return total;
    };
    drain(this.statements.attempts);
    drain(this.statements.deliveries);
    return drain(this.statements.events);
  }
}
