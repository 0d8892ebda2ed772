import type { AnyElysia } from "elysia";
import type { Redis } from "ioredis";
import type { Config } from "../../config/config.ts";
import { JobResultStore } from "../../job-consumer/result-store.ts";
import type { GatewayDatabase } from "../../platform/db/database.ts";
import type { Logger } from "../../platform/logger.ts";
import { placementRoutes } from "../../placement/index.ts";
import { LivenessMonitor } from "../../placement/liveness-monitor.ts";
import { PlacementMirror } from "../../placement/placement-mirror.ts";
import { Rebalancer } from "../../placement/rebalancer.ts";
import { PlacementService } from "../../placement/service.ts";
import { SqlitePlacementHistoryStore } from "../../placement/sqlite-placement-history-store.ts";
import { SqliteSessionStore } from "../../sessions/sqlite-session-store.ts";
import type { Registry } from "../../registry/index.ts";
import { JobRouter } from "../../routing/job-router.ts";

/** How often the coordinator looks for lapsed workers: a small part of the failover time. */
const LIVENESS_CHECK_MS = 500;

interface ClusterControl {
  plugins: AnyElysia[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The coordinator's side of running many workers: placement (with its Redis
 * copy, failover on lapsed leases, drains and rebalancing) and the router
 * that takes every `whatsapp-jobs` job to the worker its session is on.
 */
export function createClusterControl(opts: { config: Config; db: GatewayDatabase; redis: Redis; registry: Registry; log: Logger }): ClusterControl {
  const { config, db, redis, registry, log } = opts;
  const workers = registry.workers;
  const sessions = new SqliteSessionStore(db);
  const placement = new PlacementService({
    sessions,
    history: new SqlitePlacementHistoryStore(db.orm),
    workers,
    mirror: new PlacementMirror(redis),
    tell: (workerId, sessionId) => registry.commands.enqueue(workerId, { type: "START_SESSION", sessionId }),
    now: Date.now,
    log: log.child({ part: "placement" }),
  });
  const monitor = new LivenessMonitor({ redis, workers, placement, sessions, intervalMs: LIVENESS_CHECK_MS, now: Date.now, log });
  const rebalancer = new Rebalancer({ sessions, ledger: registry.ledger, placement, workers, perMinute: config.rebalancePerMinute, now: Date.now, log });
  const router = new JobRouter({ connection: redis, placement, workers, results: new JobResultStore(redis), concurrency: config.routerConcurrency, sessions, sessionWaitMs: config.jobSessionWaitMs, log: log.child({ part: "router" }) });
  const report = (what: string) => (err: unknown) => log.error({ err }, `placement: could not ${what}`);

  workers.observe((w) => {
    if (w.unregisteredAt !== null) placement.strand(w.id).catch(report("move a departed worker's sessions"));
    // Lapsed leases prove the worker no longer runs its sessions; a silent heartbeat alone does not,
    // so then sessions move only where there is room.
    else if (w.status === "OFFLINE") placement.evacuate(w.id, "failover", w.offlineReason !== "lease_lapsed").catch(report("fail a worker's sessions over"));
    else if (w.status === "MAINTENANCE") placement.evacuate(w.id, "drain").catch(report("drain a worker"));
    else placement.placePending().catch(report("place waiting sessions"));
  });
  registry.watchSessions((sessionId, workerId, status) => placement.noteStatus(sessionId, workerId, status));

  return {
    plugins: [placementRoutes(placement, workers)],
    async start() {
      await placement.start();
      // Sessions left on workers that died while this coordinator was down move now.
      for (const w of workers.all()) if (w.unregisteredAt === null && w.status === "OFFLINE" && placement.sessionsOn(w.id).length > 0) await placement.evacuate(w.id, "failover");
      monitor.start();
      rebalancer.start();
      router.start();
    },
    async stop() {
      rebalancer.stop();
      monitor.stop();
      await router.stop();
      // A worker that just left (in --role=all, this process's own) may still be having its sessions recorded.
      await placement.settled();
    },
  };
}
