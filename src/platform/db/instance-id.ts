import type { GatewayMetaStore } from "./gateway-meta-store.ts";

/**
 * A random id for this installation, fixed at its first start. Logs and health
 * output carry it so operators can tell deployments (and restored backups) apart.
 */
export function ensureInstanceId(meta: GatewayMetaStore): string {
  meta.putOnce("instance_id", crypto.randomUUID());
  const id = meta.get("instance_id");
  if (id === undefined) throw new Error("instance_id missing after insert");
  return id;
}
