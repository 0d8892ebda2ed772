import { eq } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { GatewayMetaStore } from "./gateway-meta-store.ts";
import { gatewayMeta } from "./schema.ts";

/** The `gateway_meta` table in the coordinator's SQLite file. */
export class SqliteGatewayMetaStore implements GatewayMetaStore {
  constructor(private readonly orm: BunSQLiteDatabase) {}

  get(key: string): string | undefined {
    return this.orm.select().from(gatewayMeta).where(eq(gatewayMeta.key, key)).get()?.value;
  }

  putOnce(key: string, value: string): void {
    this.orm.insert(gatewayMeta).values({ key, value }).onConflictDoNothing().run();
  }
}
