import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { Redis } from "ioredis";
import { redisOptions } from "../../src/platform/redis/redis-connection.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { registration } from "../registry/support.ts";
import { startReceiver, until, type Receiver } from "./support.ts";

setDefaultTimeout(120_000);

const TOKEN = "data-loss-worker-token-0123456789";
const API_KEY = "data-loss-integrator-key-0123456789";

let redis: TestRedis;
let receiver: Receiver;
let gateway: GatewayProcess | undefined;
const data = makeTempDir("wag-loss-");
afterAll(async () => {
  await gateway?.stop();
  receiver.stop();
  await redis.stop();
  data.remove();
});

const post = (path: string, body: unknown) =>
  fetch(`${gateway!.baseUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });

test("Redis loses its data while a receiver fails: once it recovers, every event still arrives, and the coordinator says what happened", async () => {
  redis = await startTestRedis();
  let healthy = false;
  receiver = startReceiver(() => (healthy ? 200 : 503));
  gateway = await spawnGateway({
    args: ["--role=coordinator", `--data-dir=${data.path}`, "--log-level=info"],
    env: { REDIS_URL: redis.url, BACKEND_AUTH_TOKEN: TOKEN, API_KEY, WEBHOOK_URL: receiver.url, ALLOW_PRIVATE_WEBHOOK_URLS: "true", WEBHOOK_RETRY_BASE: "1s", WEBHOOK_RETRY_MAX_DELAY: "2s" },
  });
  expect((await post("/api/v1/workers/register", registration("w1"))).status).toBe(200);
  const sent: string[] = [];
  const send = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const eventId = crypto.randomUUID();
      sent.push(eventId);
      expect((await post("/api/v1/workers/w1/events", { eventId, event: "messages.upsert", sessionId: `s${i % 3}`, data: { messages: [], type: "notify" } })).status).toBe(200);
    }
  };
  await send(20);
  // The receiver has failed: the first delivery waits for its retry in the queue, the rest are parked behind it.
  await until(() => receiver.received.length >= 1, 20_000, "a first, failed attempt");

  const client = new Redis({ ...redisOptions(redis.url), lazyConnect: false });
  try {
    await client.flushall();
  } finally {
    client.disconnect();
  }
  await send(10);
  healthy = true;

  const delivered = () => new Set(receiver.received.filter((r) => r.json.eventId !== undefined).map((r) => r.json.eventId));
  await until(() => sent.every((id) => delivered().has(id)), 60_000, "every event delivered after the data loss");
  expect(gateway.logs.some((l) => l.msg === "webhook deliveries had lost their queue jobs (Redis lost its data?): queued again" && l.level === 40)).toBe(true);
});
