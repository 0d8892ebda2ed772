import type { Queue } from "bullmq";
import type { AnyElysia } from "elysia";
import type { Redis } from "ioredis";
import type { Config } from "../../config/config.ts";
import { eventFeedRoutes } from "../../event-feed/index.ts";
import { EventRetention } from "./event-retention.ts";
import { EventReads } from "../../event-feed/service.ts";
import type { GatewayDatabase } from "../../platform/db/database.ts";
import type { Logger } from "../../platform/logger.ts";
import type { EventLedgerStore } from "../../registry/events/event-ledger-store.ts";
import { runEvery } from "../../registry/periodic.ts";
import { Deliverer } from "../../webhooks/deliverer.ts";
import { SqliteDeliveryStore } from "../../webhooks/sqlite-delivery-store.ts";
import { Dispatcher } from "../../webhooks/dispatcher.ts";
import { DeliveryGate } from "../../webhooks/gate.ts";
import { LostJobSweeper } from "../../webhooks/lost-job-sweeper.ts";
import { webhookRoutes } from "../../webhooks/index.ts";
import { DeliveryQueue } from "../../webhooks/queue.ts";
import { WebhookService } from "../../webhooks/service.ts";
import { SqliteSessionStore } from "../../sessions/sqlite-session-store.ts";
import { SealedBox } from "../../platform/sealed-box.ts";
import { SqliteWebhookSubscriptionStore } from "../../webhooks/sqlite-webhook-subscription-store.ts";
import { SubscriptionStore } from "../../webhooks/subscriptions.ts";
import type { WebhookUrlPolicy } from "../../net/webhook-target-url.ts";

const RETENTION_EVERY_MS = 3_600_000;
/** How often expired QR codes are taken out of the ledger (event-retention.ts). */
const QR_FORGET_EVERY_MS = 30_000;

export type EventDeliverySettings = Pick<
  Config,
  | "webhookUrl"
  | "webhookTimeoutMs"
  | "webhookRetryHorizonMs"
  | "webhookRetryBaseMs"
  | "webhookRetryMaxDelayMs"
  | "webhookConcurrency"
  | "webhookTargetConcurrency"
  | "allowPrivateWebhookUrls"
  | "eventRetentionMs"
  | "faultInjection"
>;

interface EventDeliveryDeps {
  db: GatewayDatabase;
  redis: Redis;
  redisUrl: string;
  ledger: EventLedgerStore;
  settings: EventDeliverySettings;
  webhookSecret: string;
  /** DATA_KEY: seals subscription secrets in the database. */
  dataKey: Uint8Array;
  /** Names the coordinator's private delivery queue. */
  instanceId: string;
  log: Logger;
  /** DNS for the URL checks; replaceable in tests. */
  urlPolicy?: WebhookUrlPolicy;
}

export interface EventDelivery {
  plugins: AnyElysia[];
  urlPolicy: WebhookUrlPolicy;
  /** The webhook delivery queue, for the operator queue views. */
  deliveryQueue: Queue;
  /** Queues what the last run left, dispatches undispatched events, and starts delivering. */
  start(): Promise<void>;
  /** Stops dispatch and lets in-flight deliveries finish. Stop it after the HTTP server. */
  stop(): Promise<void>;
}

/**
 * Everything that takes events out of the ledger to integrators: webhook
 * subscriptions and delivery (dispatcher, queue, deliverer), the replay and
 * live-stream API, and ledger retention.
 */
export function createEventDelivery(deps: EventDeliveryDeps): EventDelivery {
  const { db, settings, log } = deps;
  const urlPolicy = deps.urlPolicy ?? { allowPrivate: settings.allowPrivateWebhookUrls };
  const deliveries = new SqliteDeliveryStore(db.sqlite, db.orm, deps.ledger);
  const subscriptionRows = new SqliteWebhookSubscriptionStore(db.orm, new SealedBox(deps.dataKey));
  const sealed = subscriptionRows.sealPlaintext();
  if (sealed > 0) log.info({ subscriptions: sealed }, "sealed webhook subscription secrets kept in clear by an older version");
  const subscriptions = new SubscriptionStore(subscriptionRows, Date.now, (id, reason) => deliveries.cancelPending(id, reason, Date.now()));
  subscriptions.syncGlobal(settings.webhookUrl, deps.webhookSecret);
  const sessionUrls = new SqliteSessionStore(db);
  const queue = new DeliveryQueue(deps.redis, deps.redisUrl, `webhook-deliveries-${deps.instanceId}`);
  const dispatcher = new Dispatcher({ store: deliveries, subscriptions, sessionUrls, queue, horizonMs: settings.webhookRetryHorizonMs, fault: settings.faultInjection, log });
  const deliverer = new Deliverer({
    store: deliveries,
    subscriptions,
    sessionUrls,
    queue,
    gate: new DeliveryGate(settings.webhookTargetConcurrency),
    urlPolicy,
    webhookSecret: deps.webhookSecret,
    settings: { timeoutMs: settings.webhookTimeoutMs, retryBaseMs: settings.webhookRetryBaseMs, retryMaxDelayMs: settings.webhookRetryMaxDelayMs },
    log,
  });
  const service = new WebhookService({ subscriptions, deliveries, sessionUrls, queue, urlPolicy, horizonMs: settings.webhookRetryHorizonMs });
  const sweeper = new LostJobSweeper({ store: deliveries, queue, log });
  const retention = new EventRetention({ ledger: deps.ledger, deliveries }, settings.eventRetentionMs);
  let stopListening = () => {};
  let retentionTimer: { stop(): void } | undefined;
  let qrTimer: { stop(): void } | undefined;

  return {
    urlPolicy,
    deliveryQueue: queue.queue,
    plugins: [
      webhookRoutes({ service, subscriptions, deliveries, webhookSecret: deps.webhookSecret }),
      eventFeedRoutes({ reads: new EventReads(deps.ledger), ledger: deps.ledger }),
    ],
    async start() {
      const expired = retention.run(Date.now());
      if (expired > 0) log.info({ expired }, "events past EVENT_RETENTION deleted");
      retentionTimer = runEvery(RETENTION_EVERY_MS, "event retention", log, () => retention.run(Date.now()));
      retention.forgetQrCodes(Date.now());
      qrTimer = runEvery(QR_FORGET_EVERY_MS, "forget expired QR codes", log, () => retention.forgetQrCodes(Date.now()));
      stopListening = deps.ledger.onAppend(dispatcher.kick);
      await dispatcher.start();
      queue.start(deliverer.process, settings.webhookConcurrency);
      sweeper.start();
    },
    async stop() {
      stopListening();
      retentionTimer?.stop();
      qrTimer?.stop();
      dispatcher.stop();
      sweeper.stop();
      await queue.close();
      deliveries.flush();
    },
  };
}
