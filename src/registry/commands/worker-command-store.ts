import type { CommandRow } from "./schema.ts";

/**
 * All storage of the `worker_commands` table, the durable side of the
 * command queue: a command stays until a heartbeat acknowledges it. The
 * table's only writer (tests/platform/single-writer checks), and the seam for
 * a PostgreSQL backend (issue 21).
 */
export interface WorkerCommandStore {
  /** Every unacknowledged command, oldest first. */
  unacknowledged(): CommandRow[];
  add(row: CommandRow): void;
  /** In one transaction: acknowledges `acked`, and records that `delivered` went out (with their new delivery counts). */
  exchanged(acked: readonly string[], delivered: readonly Pick<CommandRow, "id" | "deliveryCount">[], at: number): void;
  /** Marks the worker's unacknowledged commands as never delivered. */
  undeliver(workerId: string): void;
}
