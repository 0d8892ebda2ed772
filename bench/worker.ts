/**
 * bench:worker: one worker (the compiled gateway, --role=all) against the
 * WhatsApp simulator in a second process, on one private redis-server.
 *
 * 1. Marginal RSS per connected session: the gateway's VmRSS idle, then with
 *    N sessions linked through the API (POST /sessions, GET /qr, the
 *    simulator's scan) and connected, minus idle, divided by N.
 * 2. SEND_TEXT throughput over 50 of those sessions: messages POSTed to the
 *    REST API by several clients, from each 202 to the simulator receiving
 *    the message (its inbox's receivedAt, right after its server ack); then
 *    the same at about half that rate for latency under moderate load. Beside
 *    it, the same-run ceiling: bare BullMQ add + no-op process of the same
 *    jobs in this process, on the same Redis.
 *
 * Usage: bun run bench:worker [--sizes=100,500] [--messages=5000] [--senders=50]
 *   [--clients=16] [--consumers=64] [--link-concurrency=16] [--lose-receipts] [--profile=<dir>]
 * --lose-receipts: simulated phones send no delivered/read receipts (isolates the cost of reporting them).
 * --split: the coordinator (API, registry) and the worker run as two processes, as in a deployment with
 *   several workers; RSS and "gateway" CPU are then the worker's, the coordinator's CPU has its own column.
 * --profile runs the gateway from source under Bun's sampling profiler and
 * writes a markdown CPU profile of its whole life to <dir> when it stops.
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { DEFAULT_JOB_OPTIONS } from "../src/contracts/jobs/index.ts";
import { redisOptions } from "../src/platform/redis/redis-connection.ts";
import { spawnGateway, type GatewayProcess } from "../tests/support/gateway-process.ts";
import { startTestRedis } from "../tests/support/redis-server.ts";
import { makeTempDir } from "../tests/support/temp-dir.ts";
import { spawnSimulatorChild } from "./simulator-child.ts";
import { percentile } from "./support/percentile.ts";
import { pool } from "./support/pool.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const SIZES = arg("sizes", "100,500").split(",").map(Number);
const MESSAGES = Number(arg("messages", "5000"));
const SENDERS = Number(arg("senders", "50"));
const CLIENTS = Number(arg("clients", "16"));
const CONSUMERS = Number(arg("consumers", "64"));
const LINK_CONCURRENCY = Number(arg("link-concurrency", "16"));
const PROFILE_DIR = arg("profile", "");
const LOSE_RECEIPTS = process.argv.includes("--lose-receipts");
const SPLIT = process.argv.includes("--split");
const DELIVERED_MS = 200;
const READ_MS = 300;
const API_KEY = "bench-worker-api-key-0123456789";
const GATEWAY_FLAGS = [`--max-sessions=${Math.max(...SIZES) + 10}`, `--consumers=${CONSUMERS}`, "--log-level=info", "--heartbeat-interval=10s"];

// ---- processes ------------------------------------------------------------------------------------------------

const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: `${import.meta.dir}/..`, stdio: ["ignore", "ignore", "inherit"] });
if (build.exitCode !== 0) throw new Error("bun run build failed");

const data = makeTempDir("wag-bench-worker-");
const { proc: simProcess, info: sim } = await spawnSimulatorChild(DELIVERED_MS, READ_MS);
const redisServer = await startTestRedis().catch((err: unknown) => {
  simProcess.kill("SIGKILL");
  throw err;
});
const admin = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
let gateway: GatewayProcess | undefined;
/** With --split: the coordinator process; `gateway` is then the worker. */
let coordinator: GatewayProcess | undefined;

/** Every process this bench started, whatever happened. */
const stopAll = async () => {
  await gateway?.stop().catch(() => undefined);
  await coordinator?.stop().catch(() => undefined);
  simProcess.stdin.end();
  const exited = await Promise.race([simProcess.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
  if (!exited) simProcess.kill("SIGKILL");
  admin.disconnect();
  await redisServer.stop();
  data.remove();
};
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

// ---- helpers --------------------------------------------------------------------------------------------------

async function call<T>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** /proc/<pid>/status VmRSS in MB. */
const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await Bun.file(`/proc/${pid}/status`).text())?.[1] ?? 0) / 1024;

/** User + system CPU seconds of a process so far (/proc/<pid>/stat, clock ticks of 10 ms). */
const cpuSeconds = async (pid: number) => {
  const fields = (await Bun.file(`/proc/${pid}/stat`).text()).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const redisCpuSeconds = async () => {
  const info = await admin.info("cpu");
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
};

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

// ---- the run --------------------------------------------------------------------------------------------------

try {
  const simCall = <T>(method: string, path: string, body?: unknown) => call<T>(`${sim.httpUrl}/sim`, method, path, body);
  const env = { API_KEY, BACKEND_AUTH_TOKEN: "bench-worker-backend-token-0123456789", AUTH_STATE_KEY: "22".repeat(32), ...(PROFILE_DIR && { BUN_OPTIONS: `--cpu-prof-md --cpu-prof-dir=${PROFILE_DIR}` }) };
  const common = [`--redis-url=${redisServer.url}`, ...GATEWAY_FLAGS];
  const workerFlags = [`--wa-url=${sim.url}`, `--wa-trust-key=${sim.rootKey}`, "--worker-id=bench-worker"];
  if (SPLIT) {
    coordinator = await spawnGateway({ binary: !PROFILE_DIR, args: ["--role=coordinator", `--data-dir=${data.path}/coordinator`, ...common], env });
    gateway = await spawnGateway({ binary: !PROFILE_DIR, args: ["--role=worker", `--data-dir=${data.path}/worker`, `--backend-url=${coordinator.baseUrl}`, ...workerFlags, ...common], env });
  } else {
    gateway = await spawnGateway({ binary: !PROFILE_DIR, args: ["--role=all", `--data-dir=${data.path}/data`, ...workerFlags, ...common], env });
  }
  const gw = gateway;
  const apiUrl = (coordinator ?? gw).baseUrl;
  const coordinatorPid = coordinator?.proc.pid;
  const api = <T>(method: string, path: string, body?: unknown) => call<{ success: boolean; data: T }>(apiUrl, method, path, body, { authorization: `Bearer ${API_KEY}` });

  /** An account in the simulator, a session through the API, its QR scanned, until the API says connected. */
  const link = async (i: number): Promise<void> => {
    const sessionId = `bench-${i}`;
    const account = await simCall<{ phone: string }>("POST", "/accounts", { name: `Bench ${i}` });
    const created = await api("POST", "/api/v1/sessions", { sessionId });
    if (created.status !== 202) throw new Error(`POST /sessions ${sessionId}: ${created.status} ${JSON.stringify(created.body)}`);
    // Today's server refreshes the registration at the first scan (409); the phone scans the re-rendered QR.
    let refused: string | undefined;
    for (let scans = 0; ; scans++) {
      const qr = await until(`a QR for ${sessionId}`, async () => {
        const r = await api<{ qr: string }>("GET", `/api/v1/sessions/${sessionId}/qr`);
        return r.status === 200 && r.body.data.qr !== refused ? r.body.data.qr : undefined;
      }, 120_000, 50);
      const scanned = await simCall("POST", "/pairings/scan", { phone: account.body.phone, qr });
      if (scanned.status === 200) break;
      if (scanned.status !== 409 || scans >= 3) throw new Error(`scan ${sessionId}: ${scanned.status} ${JSON.stringify(scanned.body)}`);
      refused = qr;
    }
    await until(`${sessionId} connected`, async () => ((await api<{ status: string }>("GET", `/api/v1/sessions/${sessionId}`)).body.data.status === "connected" ? true : undefined), 120_000);
  };

  /** RSS after the process has been left alone: the lowest of a few samples over 3 s. */
  const settledRss = async () => {
    await Bun.sleep(5_000);
    const samples: number[] = [];
    for (let i = 0; i < 4; i++) {
      samples.push(await rssMb(gw.proc.pid));
      await Bun.sleep(1_000);
    }
    return Math.min(...samples);
  };

  await Bun.sleep(1_000);
  const idleRss = await settledRss();
  console.log(`idle ${SPLIT ? "worker" : "gateway"} RSS: ${idleRss.toFixed(1)} MB`);
  const memoryRows: string[] = [];
  let linked = 0;
  for (const size of SIZES) {
    const started = performance.now();
    await pool(linked, size, LINK_CONCURRENCY, link);
    const linkSeconds = (performance.now() - started) / 1000;
    linked = size;
    const rss = await settledRss();
    const row = `| ${size} | ${rss.toFixed(1)} | ${(rss - idleRss).toFixed(1)} | ${((rss - idleRss) / size).toFixed(2)} | ${linkSeconds.toFixed(0)} | ${(await rssMb(sim.pid)).toFixed(0)} |`;
    memoryRows.push(row);
    console.log(row);
  }

  // ---- throughput ----
  if (LOSE_RECEIPTS) await simCall("PUT", "/receipts", { lose: true });
  const senders = Math.min(SENDERS, linked);
  const contacts: { phone: string; jid: string }[] = [];
  for (let s = 0; s < senders; s++) contacts.push((await simCall<{ phone: string; jid: string }>("POST", "/accounts", { name: `Contact ${s}` })).body);
  const outboxPending = async () => {
    const lanes = await admin.keys("wag:outbox:coordinator:*");
    const lengths = await Promise.all(lanes.filter((k) => !k.endsWith(":dead")).map((k) => admin.llen(k)));
    return lengths.reduce((a, b) => a + b, 0);
  };
  const acked = async () => (await simCall<{ clientMessagesAcked: number }>("GET", "/stats")).body.clientMessagesAcked;

  interface SendRun {
    label: string;
    count: number;
    perSecond: number;
    acceptPerSecond: number;
    p50: number;
    p99: number;
    cpu: { gateway: number; coordinator: number; simulator: number; redis: number };
    seconds: number;
    /** Until the outbox was empty again, after the last receipt. */
    drainedSeconds: number;
  }

  /**
   * POSTs `count` texts round-robin over the senders from CLIENTS clients (each waiting `paceMs` after a
   * 202), waits until the simulator acknowledged all of them, then reads each recipient's inbox once for
   * receivedAt. Latency is receivedAt minus the time the 202 arrived, both on this machine's wall clock.
   */
  const sendRun = async (label: string, tag: string, count: number, paceMs = 0): Promise<SendRun> => {
    const acceptedAt = new Map<string, number>();
    const before = await acked();
    const cpuNow = async () => ({ gateway: await cpuSeconds(gw.proc.pid), coordinator: coordinatorPid ? await cpuSeconds(coordinatorPid) : 0, simulator: await cpuSeconds(sim.pid), redis: await redisCpuSeconds() });
    const cpu0 = await cpuNow();
    const started = Date.now();
    await pool(0, count, CLIENTS, async (k) => {
      const s = k % senders;
      const text = `${tag} ${k}`;
      const r = await api("POST", `/api/v1/sessions/bench-${s}/messages/text`, { to: contacts[s]!.jid, text });
      if (r.status !== 202) throw new Error(`send ${k}: ${r.status} ${JSON.stringify(r.body)}`);
      acceptedAt.set(text, Date.now());
      if (paceMs > 0) await Bun.sleep(paceMs);
    });
    const acceptSeconds = (Date.now() - started) / 1000;
    // Each text goes to the recipient's phone and the sender's own phone: Baileys fans out to both, in one stanza.
    await until(`${count} messages at the simulator`, async () => ((await acked()) - before >= count ? true : undefined), 600_000, 20);
    const ackedAt = Date.now();
    // The worker reports each send (message_sent) and each receipt (two per message) to the coordinator through
    // its durable outbox, after the fact: the run is over when the last read receipt's reports are delivered.
    await Bun.sleep(DELIVERED_MS + READ_MS + 200);
    await until("the worker's outbox to drain", async () => ((await outboxPending()) === 0 ? true : undefined), 600_000, 20);
    const drainedSeconds = (Date.now() - started) / 1000;
    const cpu1 = await cpuNow();
    const latencies: number[] = [];
    let last = 0;
    for (const contact of contacts) {
      const inbox = (await simCall<{ receivedAt: number; message: { conversation?: string; extendedTextMessage?: { text?: string } } }[]>("GET", `/accounts/${contact.phone}/inbox`)).body;
      for (const entry of inbox) {
        const text = entry.message.conversation ?? entry.message.extendedTextMessage?.text ?? "";
        const at = acceptedAt.get(text);
        if (at === undefined) continue;
        latencies.push(entry.receivedAt - at);
        last = Math.max(last, entry.receivedAt);
      }
    }
    if (latencies.length !== count) throw new Error(`${label}: found ${latencies.length} of ${count} messages in the inboxes`);
    latencies.sort((a, b) => a - b);
    const seconds = (last - started) / 1000;
    if (last > ackedAt) throw new Error(`${label}: an inbox entry is newer than the ack count`);
    const cpu = { gateway: cpu1.gateway - cpu0.gateway, coordinator: cpu1.coordinator - cpu0.coordinator, simulator: cpu1.simulator - cpu0.simulator, redis: cpu1.redis - cpu0.redis };
    return { label, count, perSecond: count / seconds, acceptPerSecond: count / acceptSeconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu, seconds, drainedSeconds };
  };

  // Warm-up: every sender's first message looks up the recipient's devices and opens a Signal session.
  await sendRun("warm-up", "warm", senders * 2);
  const full = await sendRun("API → simulator, burst", "burst", MESSAGES);
  const paceMs = Math.max(1, Math.round((CLIENTS / (full.perSecond / 2)) * 1000));
  const half = await sendRun(`API → simulator, ~half rate (${paceMs} ms pause per client)`, "half", Math.round(MESSAGES / 2), paceMs);

  // ---- ceiling: bare BullMQ add + no-op process of the same jobs, same Redis, in this process ----
  const ceiling = async (): Promise<SendRun> => {
    const name = "bench-ceiling";
    const producer = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
    const queue = new Queue(name, { connection: producer });
    const addedAt = new Map<string, number>();
    const latencies: number[] = [];
    let done = 0;
    let finished!: () => void;
    const all = new Promise<void>((resolve) => (finished = resolve));
    const consumer = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
    const worker = new Worker(name, async () => undefined, { connection: consumer, concurrency: CONSUMERS });
    worker.on("completed", (job) => {
      latencies.push(Date.now() - addedAt.get(job.id ?? "")!);
      if (++done === MESSAGES) finished();
    });
    await worker.waitUntilReady();
    const cpu0 = await redisCpuSeconds();
    const self0 = process.cpuUsage();
    const started = Date.now();
    await pool(0, MESSAGES, CLIENTS, async (k) => {
      const s = k % senders;
      // Latency from the add call: a fast worker can complete a job before its add has returned.
      const jobId = `ceiling-${k}`;
      addedAt.set(jobId, Date.now());
      await queue.add("SEND_TEXT", { sessionId: `bench-${s}`, to: contacts[s]!.jid, text: `ceiling ${k}` }, { ...DEFAULT_JOB_OPTIONS, jobId });
    });
    await all;
    const seconds = (Date.now() - started) / 1000;
    const redis = (await redisCpuSeconds()) - cpu0;
    const self = process.cpuUsage(self0);
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
    latencies.sort((a, b) => a - b);
    return { label: "bare BullMQ add + no-op process (ceiling)", count: MESSAGES, perSecond: MESSAGES / seconds, acceptPerSecond: Number.NaN, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu: { gateway: (self.user + self.system) / 1e6, coordinator: 0, simulator: 0, redis }, seconds, drainedSeconds: seconds };
  };
  const bare = await ceiling();

  // ---- report ----
  console.log(`\nbench:worker: ${SPLIT ? "--role=coordinator + --role=worker" : "--role=all"}, flags ${GATEWAY_FLAGS.join(" ")}; ${CLIENTS} API clients; simulator receipts ${LOSE_RECEIPTS ? "off" : `delivered ${DELIVERED_MS} ms + read ${READ_MS} ms`}\n`);
  console.log(`| N sessions | ${SPLIT ? "worker" : "gateway"} RSS MB | above idle MB | MB/session | link s | simulator RSS MB |\n|---:|---:|---:|---:|---:|---:|`);
  console.log(`| 0 (idle) | ${idleRss.toFixed(1)} | — | — | — | — |`);
  for (const row of memoryRows) console.log(row);
  console.log(`\nSEND_TEXT over ${senders} sessions, ${MESSAGES} messages:\n`);
  console.log(`| run | msgs/s | API accepts/s | p50 ms | p99 ms | s | s until reports drained | ${SPLIT ? "worker" : "gateway"} CPU ms/msg |${SPLIT ? " coordinator |" : ""} simulator | redis |\n|---|---:|---:|---:|---:|---:|---:|---:|${SPLIT ? "---:|" : ""}---:|---:|`);
  const f = (n: number) => (Number.isNaN(n) ? "—" : n.toFixed(n < 10 ? 2 : 0));
  for (const r of [bare, full, half]) {
    const perMsg = (cpuS: number) => ((cpuS * 1000) / r.count).toFixed(2);
    console.log(`| ${r.label} | ${f(r.perSecond)} | ${f(r.acceptPerSecond)} | ${f(r.p50)} | ${f(r.p99)} | ${r.seconds.toFixed(1)} | ${r.drainedSeconds.toFixed(1)} | ${perMsg(r.cpu.gateway)} |${SPLIT ? ` ${perMsg(r.cpu.coordinator)} |` : ""} ${perMsg(r.cpu.simulator)} | ${perMsg(r.cpu.redis)} |`);
  }
  console.log(`\nburst / ceiling: ${((full.perSecond / bare.perSecond) * 100).toFixed(1)}% (goal >= 500 msgs/s: ${full.perSecond >= 500 ? "met" : "not met"})`);
  const errors = (await simCall<string[]>("GET", "/errors")).body;
  console.log(`simulator handler errors: ${errors.length}${errors.length ? `: ${errors.slice(-3).join("; ")}` : ""}`);
} finally {
  await stopAll();
}
process.exit(0);
