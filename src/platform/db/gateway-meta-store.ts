/**
 * All storage of the `gateway_meta` table: facts about this installation,
 * each written once. The table's only writer (tests/platform/single-writer
 * checks), and the seam for a PostgreSQL backend (issue 21).
 */
export interface GatewayMetaStore {
  get(key: string): string | undefined;
  /** Stores the value unless the key already has one. */
  putOnce(key: string, value: string): void;
}
