import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Facts about this installation itself, e.g. its instance id, written once on
 * the first start. Feature tables live in each feature's own `schema.ts`;
 * drizzle-kit collects them all (drizzle.config.ts).
 */
export const gatewayMeta = sqliteTable("gateway_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
