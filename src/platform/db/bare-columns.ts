import { getTableColumns, getTableName, type Table } from "drizzle-orm";

/**
 * For the few statements on a hot path that run bare on bun:sqlite, past drizzle's row mapping: the
 * table's name and `column AS key` for each of its columns, taken from the drizzle schema object, so
 * the SQL names what the schema declares and the rows come back shaped like drizzle's (all columns, or
 * the `keys` given).
 */
export function bareColumns<T extends Table>(table: T, keys?: readonly (keyof T["_"]["columns"] & string)[]): { table: string; columns: string } {
  const all = Object.entries(getTableColumns(table));
  const columns = all.filter(([key]) => !keys || keys.includes(key)).map(([key, column]) => `"${column.name}" AS "${key}"`);
  return { table: `"${getTableName(table)}"`, columns: columns.join(", ") };
}
