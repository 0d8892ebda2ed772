import { getTableColumns, getTableName, type Table } from "drizzle-orm";

/**
 * For the few statements on a hot path that run bare on bun:sqlite, past drizzle's row mapping: the
 * table's name and `column AS key` for each of its columns, taken from the drizzle schema object, so
 * the SQL names what the schema declares and the rows come back shaped like drizzle's.
 */
export function bareColumns(table: Table): { table: string; columns: string } {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => `"${column.name}" AS "${key}"`);
  return { table: `"${getTableName(table)}"`, columns: columns.join(", ") };
}
