import type { AnyElysia } from "elysia";
import type { Redis } from "ioredis";
import type { Config, Secrets } from "../../config/config.ts";
import { dashboardRoutes } from "../../dashboard/index.ts";
import type { ReadinessProbe } from "../../health/service.ts";
import { apiKeyRoutes } from "../../api-keys/index.ts";
import { ApiKeyService } from "../../api-keys/service.ts";
import { SqliteApiKeyStore } from "../../api-keys/sqlite-api-key-store.ts";
import { openDatabase } from "../../platform/db/database.ts";
import { ensureInstanceId } from "../../platform/db/instance-id.ts";
import { SqliteGatewayMetaStore } from "../../platform/db/sqlite-gateway-meta-store.ts";
import type { Lifecycle } from "../../platform/lifecycle.ts";
import type { Logger } from "../../platform/logger.ts";
import { queueRoutes } from "../../queues/index.ts";
import { QueueOverview } from "../../queues/service.ts";
import { createRegistry } from "../../registry/index.ts";
import { VERSION } from "../../platform/version.ts";
import { createClusterControl } from "./cluster-control.ts";
import { createEventDelivery } from "./event-delivery.ts";
import { integratorApi } from "./integrator-api.ts";

interface CoordinatorDeps {
  config: Config;
  secrets: Secrets;
  redis: Redis;
  redisUrl: string;
  lifecycle: Lifecycle;
  log: Logger;
}

/**
 * The coordinator's composition: the SQLite registry and contract A's endpoints, event delivery
 * (ledger, webhooks), placement, failover and the job router, the integrator REST API, queues and the
 * dashboard. Each part is registered with the lifecycle as it starts, so they stop in reverse order.
 * Returns the HTTP plugins to mount and the readiness probes to add.
 */
export async function startCoordinator(deps: CoordinatorDeps): Promise<{ plugins: AnyElysia[]; probes: ReadinessProbe[]; keys: ApiKeyService }> {
  const { config, secrets, redis, lifecycle, log } = deps;
  const db = openDatabase(config.dataDir, log);
  lifecycle.add("database", () => db.close());
  const instanceId = ensureInstanceId(new SqliteGatewayMetaStore(db.orm));
  log.info({ instanceId }, "registry database open");
  const registry = createRegistry({ db, log, settings: config });
  registry.start();
  lifecycle.add("worker registry", registry.stop);
  const delivery = createEventDelivery({
    db,
    redis,
    redisUrl: deps.redisUrl,
    ledger: registry.ledger,
    settings: config,
    webhookSecret: secrets.webhookSecret ?? "",
    dataKey: secrets.dataKey ?? missing("DATA_KEY"),
    instanceId,
    log,
  });
  await delivery.start();
  lifecycle.add("event delivery", delivery.stop);
  const cluster = createClusterControl({ config, db, redis, registry, log });
  await cluster.start();
  lifecycle.add("placement and job router", cluster.stop);
  const api = integratorApi({
    db,
    redis,
    media: { maxBytes: config.maxMediaBytes, allowPrivateUrls: config.allowPrivateMediaUrls },
    webhookUrls: delivery.urlPolicy,
  });
  lifecycle.add("job producer", api.stop);
  const keys = new ApiKeyService(new SqliteApiKeyStore(db.orm), secrets.dataKey ?? missing("DATA_KEY"));
  const queues = new QueueOverview({ "whatsapp-jobs": api.jobQueue, "webhook-deliveries": delivery.deliveryQueue });
  return {
    plugins: [
      ...registry.plugins,
      ...cluster.plugins,
      ...api.plugins,
      ...delivery.plugins,
      queueRoutes({ overview: queues }),
      apiKeyRoutes({ keys, log }),
      ...dashboardRoutes({ info: { version: VERSION, role: config.role, sandbox: config.sandbox } }),
    ],
    probes: [{ name: "database", check: () => db.ping() }],
    keys,
  };
}

/** resolveSecrets refuses to start a coordinator without its secrets: never fall back to an empty key. */
function missing(name: string): never {
  throw new Error(`${name} is missing`);
}
