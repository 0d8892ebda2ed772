import type { PlacementRow } from "./schema.ts";

export interface PlacementHistoryFilter {
  sessionId?: string;
  /** Only decisions made before this time (unix ms). */
  before?: number;
  limit: number;
}

/**
 * All storage of the `placement_history` table: every placement decision,
 * appended and never changed. The table's only writer
 * (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface PlacementHistoryStore {
  record(decision: Omit<PlacementRow, "id">): void;
  /** Newest first. */
  list(filter: PlacementHistoryFilter): PlacementRow[];
}
