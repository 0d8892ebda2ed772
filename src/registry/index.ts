import type { AnyElysia } from "elysia";
import type { Config } from "../config/config.ts";
import type { GatewayDatabase } from "../platform/db/database.ts";
import type { Logger } from "../platform/logger.ts";
import type { SessionStatus } from "../contracts/worker-api/vocabulary.ts";
import { SqliteSessionStore } from "../sessions/sqlite-session-store.ts";
import { CommandQueue } from "./commands/queue.ts";
import { SqliteWorkerCommandStore } from "./commands/sqlite-worker-command-store.ts";
import { eventRoutes } from "./events/index.ts";
import type { EventLedgerStore } from "./events/event-ledger-store.ts";
import { SqliteEventLedgerStore } from "./events/sqlite-event-ledger-store.ts";
import { EventService } from "./events/service.ts";
import { SqliteMessageStatusStore } from "./events/sqlite-message-status-store.ts";
import { DOWNSAMPLE_BUCKET_MS, MetricsRetention } from "./metrics/retention.ts";
import { operatorRoutes } from "./operators/index.ts";
import { WorkerReads } from "./operators/service.ts";
import { runEvery } from "./periodic.ts";
import { HeartbeatWriter } from "./workers/heartbeat-writer.ts";
import { workerRoutes } from "./workers/index.ts";
import { WorkerRegistry } from "./workers/service.ts";
import { SqliteWorkerMetricsStore } from "./workers/sqlite-worker-metrics-store.ts";
import { SqliteWorkerStore } from "./workers/sqlite-worker-store.ts";

export type RegistrySettings = Pick<Config, "heartbeatIntervalMs" | "heartbeatTimeoutMs" | "metricsRawRetentionMs" | "metricsRetentionMs">;

type SessionStatusObserver = (sessionId: string, workerId: string, status: SessionStatus) => void;

interface RegistryOptions {
  db: GatewayDatabase;
  log: Logger;
  settings: RegistrySettings;
  now?: () => number;
}

export interface Registry {
  plugins: AnyElysia[];
  /** Every event the coordinator accepts, for delivery to integrators. */
  ledger: EventLedgerStore;
  workers: WorkerRegistry;
  commands: CommandQueue;
  retention: MetricsRetention;
  /** Tells `observer` of every session status a worker reports (placement lets go of sessions that ended). */
  watchSessions(observer: SessionStatusObserver): () => void;
  /** Starts the liveness sweeper and metrics retention. */
  start(): void;
  /** Commits buffered heartbeats now. */
  flush(): void;
  /** Stops the timers and commits buffered heartbeats. Stop it after the HTTP server. */
  stop(): void;
}

/**
 * The coordinator's worker registry: contract A's endpoints, the operator
 * reads, and the timers behind them, over the registry tables.
 */
export function createRegistry(opts: RegistryOptions): Registry {
  const { db, log, settings } = opts;
  const now = opts.now ?? Date.now;
  const store = new SqliteWorkerStore(db.sqlite, db.orm);
  const metrics = new SqliteWorkerMetricsStore(db);
  const writer = new HeartbeatWriter(store, metrics, log);
  const ledger = new SqliteEventLedgerStore(db);
  const commands = new CommandQueue(new SqliteWorkerCommandStore(db.sqlite, db.orm), now);
  const sessions = new SqliteSessionStore(db);
  const workers = new WorkerRegistry({ store, metrics, sessions, writer, commands, ledger, now, log });
  // A set, so a second watcher cannot silently replace the first.
  const sessionObservers = new Set<SessionStatusObserver>();
  const events = new EventService({ sqlite: db.sqlite, sessions, messages: new SqliteMessageStatusStore(db.orm), ledger, isKnownWorker: (id) => workers.isKnown(id), onSessionStatus: (...a) => sessionObservers.forEach((observe) => observe(...a)), now, log });
  const retention = new MetricsRetention(metrics, { rawMs: settings.metricsRawRetentionMs, keepMs: settings.metricsRetentionMs });
  const reads = new WorkerReads(workers, commands, metrics, sessions, now, () => writer.flush());
  let timers: { stop(): void }[] = [];

  return {
    plugins: [workerRoutes(workers), eventRoutes(events), operatorRoutes(reads, workers)],
    ledger,
    workers,
    commands,
    retention,
    watchSessions(observer) {
      sessionObservers.add(observer);
      return () => sessionObservers.delete(observer);
    },
    start() {
      // Catch up at once after a long stop, then once per bucket.
      retention.run(now());
      timers = [
        runEvery(settings.heartbeatIntervalMs, "liveness sweep", log, () => workers.sweep(settings.heartbeatTimeoutMs)),
        runEvery(DOWNSAMPLE_BUCKET_MS, "metrics retention", log, () => retention.run(now())),
      ];
    },
    flush: () => writer.flush(),
    stop() {
      for (const t of timers) t.stop();
      timers = [];
      writer.close();
    },
  };
}
