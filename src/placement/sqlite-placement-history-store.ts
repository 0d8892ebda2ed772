import { and, desc, eq, lt } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { PlacementHistoryFilter, PlacementHistoryStore } from "./placement-history-store.ts";
import { placementHistory, type PlacementRow } from "./schema.ts";

/** The `placement_history` table in the coordinator's SQLite file. */
export class SqlitePlacementHistoryStore implements PlacementHistoryStore {
  constructor(private readonly orm: BunSQLiteDatabase) {}

  record(decision: Omit<PlacementRow, "id">): void {
    // UUIDv7, so ids sort like the decisions were made.
    this.orm.insert(placementHistory).values({ id: Bun.randomUUIDv7(), ...decision }).run();
  }

  list(filter: PlacementHistoryFilter): PlacementRow[] {
    const conditions = [];
    if (filter.sessionId) conditions.push(eq(placementHistory.sessionId, filter.sessionId));
    if (filter.before !== undefined) conditions.push(lt(placementHistory.at, filter.before));
    return this.orm
      .select()
      .from(placementHistory)
      .where(and(...conditions))
      .orderBy(desc(placementHistory.at), desc(placementHistory.id))
      .limit(filter.limit)
      .all();
  }
}
