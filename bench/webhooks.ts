/**
 * bench:webhooks: webhook delivery from a coordinator to a local receiver.
 *
 *   bun run bench:webhooks [--events=20000] [--backlog=100000] [--concurrency=16]
 *
 * 1. Throughput: `events` contract A events posted over HTTP (`concurrency`
 *    at a time) while the receiver takes them; events/s delivered (first
 *    post to last receipt) and p50/p99 from ledger write (received_at in
 *    SQLite) to receipt. Baseline, same run, same Redis and receiver: bare
 *    BullMQ (Queue.addBulk, a Worker that POSTs each job's JSON).
 * 2. Backlog: a fresh coordinator whose receiver is down while `backlog`
 *    events are posted; then the receiver comes up. Time to drain, and the
 *    coordinator's RSS (VmRSS, sampled every 250 ms) before and during the drain.
 *
 * Goals: >= 2,000 events/s delivered; RSS during the drain within +50 MB.
 */
import { Database } from "bun:sqlite";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { redisOptions } from "../src/platform/redis/redis-connection.ts";
import { spawnGateway, type GatewayProcess } from "../tests/support/gateway-process.ts";
import { startTestRedis } from "../tests/support/redis-server.ts";
import { makeTempDir } from "../tests/support/temp-dir.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const EVENTS = arg("events", 20_000);
const BACKLOG = arg("backlog", 100_000);
const CONCURRENCY = arg("concurrency", 16);
const TOKEN = "bench-worker-token-0123456789";
const API_KEY = "bench-integrator-key-0123456789";

/** A receiver on loopback that records when each eventId arrived; `up` false refuses connections. */
function receiver(port = 0) {
  const arrivals = new Map<string, number>();
  let total = 0;
  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    async fetch(req) {
      const body = (await req.json()) as { eventId?: string; n?: string };
      const id = body.eventId ?? body.n ?? "";
      total++;
      if (!arrivals.has(id)) arrivals.set(id, Date.now());
      return new Response("ok");
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, port: server.port ?? port, arrivals, total: () => total, stop: () => server.stop(true) };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await Bun.sleep(10);
  }
}

/** Posts `count` messages.upsert events over contract A, `CONCURRENCY` at a time. */
async function postEvents(g: GatewayProcess, count: number): Promise<void> {
  let next = 0;
  const body = (i: number) =>
    JSON.stringify({ event: "messages.upsert", sessionId: `s${i % 50}`, data: { messages: [{ key: { remoteJid: "6281234567890@s.whatsapp.net", fromMe: false, id: `m${i}` }, message: { conversation: "Halo bot!" }, pushName: "Budi" }], type: "notify" } });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${g.baseUrl}/api/v1/workers/w1/events`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body(i) });
        if (res.status !== 200) throw new Error(`event ${i}: ${res.status} ${await res.text()}`);
      }
    }),
  );
}

async function coordinator(redisUrl: string, webhookUrl: string, extra: Record<string, string> = {}) {
  const data = makeTempDir("wag-bench-wh-");
  const g = await spawnGateway({
    // No heartbeats here: a long timeout keeps a worker_offline event out of the counts.
    args: ["--role=coordinator", `--data-dir=${data.path}`, "--log-level=info", "--heartbeat-timeout=1h"],
    env: { REDIS_URL: redisUrl, BACKEND_AUTH_TOKEN: TOKEN, API_KEY, WEBHOOK_URL: webhookUrl, ALLOW_PRIVATE_WEBHOOK_URLS: "true", ...extra },
  });
  const res = await fetch(`${g.baseUrl}/api/v1/workers/register`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ workerId: "w1", endpoint: "http://127.0.0.1:1/w1", maxSessions: 50, status: "ONLINE", environment: "TESTING" }),
  });
  if (res.status !== 200) throw new Error(`register: ${res.status}`);
  return { g, data, db: join(data.path, "wa-gateway.db") };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function baseline(redisUrl: string, count: number): Promise<number> {
  const r = receiver();
  const producer = new Redis({ ...redisOptions(redisUrl), lazyConnect: false });
  const consumer = new Redis({ ...redisOptions(redisUrl), lazyConnect: false });
  const queue = new Queue("bench-bare-webhooks", { connection: producer });
  await queue.obliterate({ force: true });
  const started = Date.now();
  for (let i = 0; i < count; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({ name: "post", data: { n: String(i + k) }, opts: { removeOnComplete: true } })));
  }
  const worker = new Worker(
    "bench-bare-webhooks",
    async (job) => {
      const res = await fetch(r.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(job.data) });
      await res.text();
    },
    { connection: consumer, concurrency: 64 },
  );
  await waitFor(() => r.arrivals.size === count, 300_000, "baseline deliveries");
  const rate = count / ((Date.now() - started) / 1000);
  await worker.close();
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  r.stop();
  return rate;
}

const redis = await startTestRedis(["--appendonly", "yes", "--appendfsync", "everysec"]);
try {
  // 1. Throughput
  const r1 = receiver();
  const c1 = await coordinator(redis.url, r1.url);
  await postEvents(c1.g, 500); // warm-up
  await waitFor(() => r1.arrivals.size === 500, 60_000, "warm-up");
  r1.arrivals.clear();
  const t0 = Date.now();
  await postEvents(c1.g, EVENTS);
  await waitFor(() => r1.arrivals.size === EVENTS, 300_000, "deliveries");
  const elapsed = (Math.max(...r1.arrivals.values()) - t0) / 1000;
  const db = new Database(c1.db, { readonly: true });
  const written = new Map(db.query<{ id: string; at: number }, []>("SELECT event_id AS id, received_at AS at FROM event_ledger").all().map((e) => [e.id, e.at]));
  db.close();
  const latencies = [...r1.arrivals].flatMap(([id, at]) => (written.has(id) ? [at - written.get(id)!] : []));
  await c1.g.stop();
  c1.data.remove();
  r1.stop();
  const rate = EVENTS / elapsed;
  const bare = await baseline(redis.url, EVENTS);

  // 2. Backlog after an outage
  const down = receiver();
  const port = down.port;
  down.stop();
  const c2 = await coordinator(redis.url, `http://127.0.0.1:${port}/hook`, { WEBHOOK_RETRY_MAX_DELAY: "2s" });
  const samples: { at: number; mb: number }[] = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), mb: rssMb(c2.g.proc.pid) }), 250);
  const p0 = Date.now();
  await postEvents(c2.g, BACKLOG);
  const posted = (Date.now() - p0) / 1000;
  await Bun.sleep(3000);
  const up = receiver(port);
  const drainStart = Date.now();
  const rssBefore = rssMb(c2.g.proc.pid);
  await waitFor(() => up.arrivals.size === BACKLOG, 600_000, "backlog drained");
  const drain = (Date.now() - drainStart) / 1000;
  clearInterval(sampler);
  const during = samples.filter((s) => s.at >= drainStart).map((s) => s.mb);
  const peakDrain = Math.max(rssBefore, ...during);
  const peakAll = Math.max(...samples.map((s) => s.mb));
  await c2.g.stop();
  c2.data.remove();
  up.stop();

  console.log(`\n| measure | value |`);
  console.log(`| --- | ---: |`);
  console.log(`| delivered, ${EVENTS} events (posted ${CONCURRENCY} at a time) | ${Math.round(rate)} events/s |`);
  console.log(`| baseline: bare BullMQ add + Worker POST, same receiver | ${Math.round(bare)} events/s |`);
  console.log(`| ratio to baseline | ${(rate / bare).toFixed(2)} |`);
  console.log(`| ledger write -> receipt p50 / p99 | ${pct(latencies, 50)} ms / ${pct(latencies, 99)} ms |`);
  console.log(`| backlog: ${BACKLOG} events posted while the receiver was down | ${posted.toFixed(1)} s (${Math.round(BACKLOG / posted)} events/s stored) |`);
  console.log(`| backlog drained after the receiver came back | ${drain.toFixed(1)} s (${Math.round(BACKLOG / drain)} events/s) |`);
  console.log(`| coordinator RSS: at drain start / peak during drain / peak overall | ${rssBefore.toFixed(0)} / ${peakDrain.toFixed(0)} / ${peakAll.toFixed(0)} MB |`);
  console.log(`| POSTs received during the drain (duplicates included) | ${up.total()} |`);
  const ok = rate >= 2000 && peakDrain - rssBefore <= 50;
  console.log(`\ngoals (>= 2,000 events/s; RSS during the drain within +50 MB): ${ok ? "met" : "NOT met"}`);
} finally {
  await redis.stop();
}
