import type { Database } from "bun:sqlite";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { workerCommands, type CommandRow } from "./schema.ts";
import type { WorkerCommandStore } from "./worker-command-store.ts";

/** The `worker_commands` table in the coordinator's SQLite file. */
export class SqliteWorkerCommandStore implements WorkerCommandStore {
  constructor(
    private readonly sqlite: Database,
    private readonly orm: BunSQLiteDatabase,
  ) {}

  unacknowledged(): CommandRow[] {
    return this.orm.select().from(workerCommands).where(isNull(workerCommands.ackedAt)).orderBy(workerCommands.createdAt, workerCommands.id).all();
  }

  add(row: CommandRow): void {
    this.orm.insert(workerCommands).values(row).run();
  }

  exchanged(acked: readonly string[], delivered: readonly Pick<CommandRow, "id" | "deliveryCount">[], at: number): void {
    this.sqlite.transaction(() => {
      if (acked.length > 0) this.orm.update(workerCommands).set({ ackedAt: at }).where(inArray(workerCommands.id, [...acked])).run();
      for (const c of delivered) this.orm.update(workerCommands).set({ deliveredAt: at, deliveryCount: c.deliveryCount }).where(eq(workerCommands.id, c.id)).run();
    })();
  }

  undeliver(workerId: string): void {
    this.orm.update(workerCommands).set({ deliveredAt: null }).where(and(eq(workerCommands.workerId, workerId), isNull(workerCommands.ackedAt))).run();
  }
}
