/**
 * bench:webhook-neighbours: does a hung or slow receiver slow the healthy ones? (issue 22.5)
 *
 *   bun run bench:webhook-neighbours [--events=1000] [--slow-ms=8000]
 *
 * A coordinator (its own process, real Redis) delivers every event to a healthy receiver (WEBHOOK_URL)
 * and, in the second and third runs, also to a neighbour subscribed through the API: one that never
 * answers, then one that answers after `slow-ms`. Each run posts `events` contract A events and times
 * the healthy receiver's burst: first post to its last event. The baseline is the healthy receiver
 * alone, in the same run. Goal: beside either neighbour, within 1.2x of alone.
 */
import { Redis } from "ioredis";
import { spawnGateway, type GatewayProcess } from "../tests/support/gateway-process.ts";
import { startTestRedis } from "../tests/support/redis-server.ts";
import { makeTempDir } from "../tests/support/temp-dir.ts";
import { redisOptions } from "../src/platform/redis/redis-connection.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const EVENTS = arg("events", 1000);
const SLOW_MS = arg("slow-ms", 8000);
const TOKEN = "bench-worker-token-0123456789";
const API_KEY = "bench-integrator-key-0123456789";

type Behaviour = "healthy" | "hung" | "slow";

/** A receiver on loopback: healthy answers at once, hung never does, slow after SLOW_MS. */
function receiver(behaviour: Behaviour) {
  const arrivals = new Map<string, number>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const { eventId = "" } = (await req.json()) as { eventId?: string };
      if (!arrivals.has(eventId)) arrivals.set(eventId, Date.now());
      if (behaviour === "hung") return new Promise<Response>(() => undefined);
      if (behaviour === "slow") await Bun.sleep(SLOW_MS);
      return new Response("ok");
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, arrivals, stop: () => server.stop(true) };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await Bun.sleep(5);
  }
}

async function postEvents(g: GatewayProcess, count: number): Promise<void> {
  let next = 0;
  const body = (i: number) => JSON.stringify({ event: "messages.upsert", sessionId: `s${i % 50}`, data: { messages: [{ key: { remoteJid: "6281234567890@s.whatsapp.net", fromMe: false, id: `m${i}` }, message: { conversation: "Halo" } }], type: "notify" } });
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${g.baseUrl}/api/v1/workers/w1/events`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body(i) });
        if (res.status !== 200) throw new Error(`event ${i}: ${res.status} ${await res.text()}`);
      }
    }),
  );
}

/** One run: a fresh coordinator, the healthy receiver, and maybe a neighbour; returns the healthy burst in ms. */
async function run(redisUrl: string, neighbour: Behaviour | undefined): Promise<number> {
  const flush = new Redis(redisOptions(redisUrl));
  await flush.flushall();
  flush.disconnect();
  const healthy = receiver("healthy");
  const other = neighbour && receiver(neighbour);
  const data = makeTempDir("wag-bench-nb-");
  const g = await spawnGateway({
    args: ["--role=coordinator", `--data-dir=${data.path}`, "--log-level=info", "--heartbeat-timeout=1h"],
    env: { REDIS_URL: redisUrl, BACKEND_AUTH_TOKEN: TOKEN, API_KEY, WEBHOOK_URL: healthy.url, ALLOW_PRIVATE_WEBHOOK_URLS: "true", AUTH_FAILURES_PER_MINUTE: "1000000" },
  });
  try {
    const json = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    await fetch(`${g.baseUrl}/api/v1/workers/register`, { method: "POST", headers: json, body: JSON.stringify({ workerId: "w1", endpoint: "http://127.0.0.1:1/w1", maxSessions: 50, status: "ONLINE", environment: "TESTING" }) });
    if (other) {
      const res = await fetch(`${g.baseUrl}/api/v1/webhooks/subscriptions`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ url: other.url }) });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
    }
    const t0 = Date.now();
    await postEvents(g, EVENTS);
    await waitFor(() => healthy.arrivals.size >= EVENTS, 300_000, "healthy deliveries");
    return Math.max(...healthy.arrivals.values()) - t0;
  } finally {
    await g.stop("SIGKILL");
    data.remove();
    healthy.stop();
    other?.stop();
  }
}

const redis = await startTestRedis();
try {
  const alone = await run(redis.url, undefined);
  const hung = await run(redis.url, "hung");
  const slow = await run(redis.url, "slow");
  const ratio = (ms: number) => (ms / alone).toFixed(2);
  console.log(`\n| healthy receiver, ${EVENTS} events | burst | ratio to alone |`);
  console.log(`| --- | ---: | ---: |`);
  console.log(`| alone (baseline) | ${alone} ms | 1.00 |`);
  console.log(`| beside a receiver that never answers | ${hung} ms | ${ratio(hung)} |`);
  console.log(`| beside a receiver answering after ${SLOW_MS / 1000} s | ${slow} ms | ${ratio(slow)} |`);
  const ok = hung <= alone * 1.2 && slow <= alone * 1.2;
  console.log(`\ngoal (beside either, <= 1.2x alone): ${ok ? "met" : "NOT met"}`);
} finally {
  await redis.stop();
}
