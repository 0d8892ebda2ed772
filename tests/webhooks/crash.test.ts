import { afterEach, describe, expect, test } from "bun:test";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { registration } from "../registry/support.ts";
import { startReceiver, until, type Receiver } from "./support.ts";

const TOKEN = "crash-worker-token-0123456789";
const API_KEY = "crash-integrator-key-0123456789";

let redis: TestRedis;
let receiver: Receiver;
let data: { path: string; remove(): void };
const gateways: GatewayProcess[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) if (g.proc.exitCode === null && !g.proc.killed) await g.stop();
  receiver.stop();
  await redis.stop();
  data.remove();
});

async function coordinator(extra: Record<string, string> = {}): Promise<GatewayProcess> {
  const g = await spawnGateway({
    args: ["--role=coordinator", `--data-dir=${data.path}`, "--log-level=info"],
    env: {
      REDIS_URL: redis.url,
      BACKEND_AUTH_TOKEN: TOKEN,
      API_KEY,
      WEBHOOK_URL: receiver.url,
      ALLOW_PRIVATE_WEBHOOK_URLS: "true",
      WEBHOOK_RETRY_BASE: "200ms",
      WEBHOOK_RETRY_MAX_DELAY: "1s",
      ...extra,
    },
  });
  gateways.push(g);
  return g;
}

const post = (g: GatewayProcess, path: string, body: unknown, method = "POST") =>
  fetch(`${g.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });

const receivedIds = () => new Set(receiver.received.map((r) => r.json.eventId));

describe("crash safety", () => {
  test("killed after storing an event and before queuing its webhook, the coordinator delivers it after the restart", async () => {
    redis = await startTestRedis();
    receiver = startReceiver();
    data = makeTempDir("wag-crash-");
    const first = await coordinator({ FAULT_INJECTION: "crash-after-ledger-write" });
    expect((await post(first, "/api/v1/workers/register", registration("w1"))).status).toBe(200);
    const eventId = crypto.randomUUID();
    await post(first, "/api/v1/workers/w1/events", { eventId, event: "messages.upsert", sessionId: "s1", data: { messages: [], type: "notify" } }).catch(() => undefined);
    expect(await first.proc.exited).not.toBe(0);
    expect(first.proc.signalCode).toBe("SIGKILL");
    expect(receiver.received).toHaveLength(0);

    await coordinator();
    await receiver.waitFor(1);
    expect(receiver.received.map((r) => r.json.eventId)).toEqual([eventId]);
  });

  test("SIGKILLed mid-backlog and restarted, it still delivers every event at least once (duplicates share an eventId)", async () => {
    redis = await startTestRedis();
    receiver = startReceiver(async () => {
      await Bun.sleep(20);
      return 200;
    });
    data = makeTempDir("wag-crash-");
    const first = await coordinator({ WEBHOOK_TARGET_CONCURRENCY: "2", WEBHOOK_CONCURRENCY: "4" });
    expect((await post(first, "/api/v1/workers/register", registration("w1"))).status).toBe(200);
    const sent: string[] = [];
    for (let i = 0; i < 300; i++) {
      const eventId = crypto.randomUUID();
      sent.push(eventId);
      expect((await post(first, "/api/v1/workers/w1/events", { eventId, event: "messages.upsert", sessionId: `s${i % 5}`, data: { messages: [], type: "notify" } })).status).toBe(200);
    }
    await until(() => receiver.received.length >= 20, 10_000, "some deliveries");
    expect(receivedIds().size).toBeLessThan(300);
    await first.stop("SIGKILL");

    await coordinator();
    await until(() => receivedIds().size === 300, 30_000, "all 300 events");
    expect(receivedIds()).toEqual(new Set(sent));
    // At least once: a repeat is recognisable by its eventId.
    expect(receiver.received.length).toBeGreaterThanOrEqual(300);
  });
});
