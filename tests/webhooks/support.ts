import type { AnyElysia } from "elysia";
import { Redis } from "ioredis";
import { createEventDelivery, type EventDelivery, type EventDeliverySettings } from "../../src/roles/coordinator/event-delivery.ts";
import { buildApp } from "../../src/http/server.ts";
import { openDatabase, type GatewayDatabase } from "../../src/platform/db/database.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { redisOptions } from "../../src/platform/redis/redis-connection.ts";
import { createRegistry, type Registry } from "../../src/registry/index.ts";
import type { WebhookUrlPolicy } from "../../src/net/webhook-target-url.ts";
import { API_KEY, DEFAULT_SETTINGS, WORKER_TOKEN, registration, type Reply } from "../registry/support.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";

export { API_KEY, WORKER_TOKEN };
export const WEBHOOK_SECRET = "global-webhook-secret-0123456789";
/** Seals subscription secrets in the test database. */
export const DATA_KEY = new Uint8Array(32).fill(7);

export const FAST_SETTINGS: EventDeliverySettings = {
  webhookUrl: undefined,
  webhookTimeoutMs: 2000,
  webhookRetryHorizonMs: 60_000,
  webhookRetryBaseMs: 100,
  webhookRetryMaxDelayMs: 500,
  webhookConcurrency: 32,
  webhookTargetConcurrency: 4,
  allowPrivateWebhookUrls: true,
  eventRetentionMs: 7 * 86_400_000,
  faultInjection: "none",
};

export interface Harness {
  app: AnyElysia;
  db: GatewayDatabase;
  registry: Registry;
  delivery: EventDelivery;
  redis: Redis;
  /** Calls the app in-process with the API key (or `token`). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Reply>;
  /** Posts a contract A event from worker w1 and expects it accepted. */
  event(event: string, fields?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** The registry and event delivery over real SQLite and a real Redis, in this process, as the gateway wires them. */
export async function startHarness(opts: { settings?: Partial<EventDeliverySettings>; urlPolicy?: WebhookUrlPolicy } = {}): Promise<Harness> {
  const redisServer: TestRedis = await startTestRedis();
  const redis = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
  const dir = makeTempDir("wag-wh-");
  const log = createLogger("silent");
  const db = openDatabase(dir.path, log);
  const registry = createRegistry({ db, log, settings: DEFAULT_SETTINGS });
  const delivery = createEventDelivery({
    db,
    redis,
    redisUrl: redisServer.url,
    ledger: registry.ledger,
    settings: { ...FAST_SETTINGS, ...opts.settings },
    webhookSecret: WEBHOOK_SECRET,
    dataKey: DATA_KEY,
    instanceId: "test",
    log,
    urlPolicy: opts.urlPolicy,
  });
  await delivery.start();
  const app = buildApp({ log, maxBodyBytes: 1 << 20, plugins: [...registry.plugins, ...delivery.plugins], credentials: { integrator: API_KEY, worker: WORKER_TOKEN } });
  const call = async (method: string, path: string, body?: unknown, token = API_KEY): Promise<Reply> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await app.handle(new Request(`http://localhost${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const reg = await call("POST", "/api/v1/workers/register", registration("w1"), WORKER_TOKEN);
  if (reg.status !== 200) throw new Error(`register failed: ${JSON.stringify(reg)}`);
  return {
    app,
    db,
    registry,
    delivery,
    redis,
    call,
    async event(event, fields = {}) {
      const reply = await call("POST", "/api/v1/workers/w1/events", { event, ...fields }, WORKER_TOKEN);
      if (reply.status !== 200) throw new Error(`event refused: ${JSON.stringify(reply)}`);
    },
    async close() {
      await delivery.stop();
      registry.stop();
      db.close();
      redis.disconnect();
      await redisServer.stop();
      dir.remove();
    },
  };
}

export interface Received {
  headers: Headers;
  body: string;
  json: { event: string; eventId: string; sessionId: string | null; sequence: number; data: Record<string, unknown> };
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How to answer: a status, or a delay before 200. */
  respond: (r: Received) => number | Promise<number>;
  /** Resolves once `n` requests arrived (any status). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  stop(): void;
}

/** A real HTTP receiver on loopback that records every POST. */
export function startReceiver(respond: Receiver["respond"] = () => 200, port = 0): Receiver {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: "",
    received,
    respond,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${n} requests`);
        await Bun.sleep(20);
      }
    },
    stop: () => void server.stop(true),
  };
  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    idleTimeout: 30,
    async fetch(req) {
      const body = await req.text();
      const r: Received = { headers: req.headers, body, json: JSON.parse(body) as Received["json"], at: Date.now() };
      received.push(r);
      return new Response("ok", { status: await receiver.respond(r) });
    },
  });
  receiver.url = `http://127.0.0.1:${server.port}/hook`;
  return receiver;
}

/** Polls `check` until it returns true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
