import { getTableColumns, sql, type Placeholder } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** A placeholder per column, named after its property, so a prepared insert runs with a whole row. */
export function placeholders<T extends SQLiteTable>(table: T): { [K in keyof T["$inferInsert"]]-?: Placeholder } {
  // Object.fromEntries cannot say which keys it made; they are exactly the table's columns.
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((k) => [k, sql.placeholder(k)])) as { [K in keyof T["$inferInsert"]]-?: Placeholder };
}

/** A value bound when a prepared update runs (drizzle's update takes placeholders only inside SQL). */
export const param = (name: string) => sql`${sql.placeholder(name)}`;
