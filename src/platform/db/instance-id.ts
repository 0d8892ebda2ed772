import { eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { gatewayMeta } from "./schema.ts";

/**
 * A random id for this installation, fixed at its first start. Logs and health
 * output carry it so operators can tell deployments (and restored backups) apart.
 */
export function ensureInstanceId(orm: BunSQLiteDatabase): string {
  orm.insert(gatewayMeta).values({ key: "instance_id", value: crypto.randomUUID() }).onConflictDoNothing().run();
  const row = orm.select().from(gatewayMeta).where(eq(gatewayMeta.key, "instance_id")).get();
  if (!row) throw new Error("instance_id missing after insert");
  return row.value;
}
