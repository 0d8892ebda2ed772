/**
 * bench:heartbeat: heartbeats per second and p99 latency against a
 * coordinator with 1,000 registered workers, beside a bare authenticated
 * Elysia JSON route measured in the same run. wrk (apt install wrk) is the
 * load generator, in its own process; each server runs in its own process.
 *
 *   bun run bench:heartbeat [--workers=1000] [--duration=10] [--connections=64]
 *
 * Goal: the heartbeat reaches at least 50% of the bare route's throughput,
 * with p99 under 10 ms at half load (half of the bare route's maximum).
 */
import { join } from "node:path";
import { spawnGateway } from "../tests/support/gateway-process.ts";
import { makeTempDir } from "../tests/support/temp-dir.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const WORKERS = arg("workers", 1000);
const DURATION_S = arg("duration", 10);
const CONNECTIONS = arg("connections", 64);
const TOKEN = "bench-worker-token-0123456789";
const API_KEY = "bench-integrator-key-0123456789";
const LUA = join(import.meta.dir, "heartbeat/heartbeat.lua");

interface WrkResult {
  requests: number;
  durationUs: number;
  non2xx: number;
  socketErrors: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
}
interface Run extends WrkResult {
  rps: number;
}

function wrk(baseUrl: string, prefix: string, seconds: number, connections: number, delayMs = 0): Run {
  const proc = Bun.spawnSync(["wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", LUA, baseUrl], {
    env: { ...process.env, WAG_TOKEN: TOKEN, WAG_WORKERS: String(WORKERS), WAG_PREFIX: prefix, WAG_DELAY_MS: String(delayMs) },
  });
  const line = proc.stdout.toString().trim().split("\n").find((l) => l.startsWith("{"));
  if (proc.exitCode !== 0 || !line) throw new Error(`wrk failed: ${proc.stderr.toString()}${proc.stdout.toString()}`);
  const r = JSON.parse(line) as WrkResult;
  if (r.non2xx > 0 || r.socketErrors > 0) throw new Error(`${prefix}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors`);
  return { ...r, rps: r.requests / (r.durationUs / 1e6) };
}

/** Holds about `rps` requests a second: each connection waits between requests. */
function atRate(baseUrl: string, prefix: string, rps: number): Run {
  const delayMs = 10;
  const connections = Math.max(1, Math.round((rps * delayMs) / 1000));
  return wrk(baseUrl, prefix, DURATION_S, connections, delayMs);
}

if (Bun.spawnSync(["which", "wrk"]).exitCode !== 0) {
  console.error("bench:heartbeat needs wrk: apt-get install -y wrk");
  process.exit(1);
}

const data = makeTempDir("wag-bench-");
const coordinator = await spawnGateway({
  args: ["--role=coordinator", `--data-dir=${data.path}`, "--heartbeat-timeout=1h", "--log-level=info"],
  env: { BACKEND_AUTH_TOKEN: TOKEN, API_KEY },
});
const bare = Bun.spawn([process.execPath, join(import.meta.dir, "heartbeat/bare-server.ts"), TOKEN], { stdout: "pipe", stderr: "inherit" });

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream) {
    text += new TextDecoder().decode(chunk);
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0] ?? "";
}

try {
  const bareUrl = `http://127.0.0.1:${(JSON.parse(await firstLine(bare.stdout)) as { port: number }).port}`;
  const gatewayUrl = coordinator.baseUrl;

  console.log(`registering ${WORKERS} workers...`);
  for (let i = 0; i < WORKERS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, WORKERS - i) }, async (_, k) => {
        const id = `bench-${String(i + k).padStart(4, "0")}`;
        const res = await fetch(`${gatewayUrl}/api/v1/workers/register`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ workerId: id, endpoint: `http://10.0.0.1:8001/${id}`, maxSessions: 50, status: "ONLINE", environment: "PRODUCTION" }),
        });
        if (res.status !== 200) throw new Error(`register ${id}: ${res.status} ${await res.text()}`);
      }),
    );
  }

  const targets = [
    { name: "bare route", url: bareUrl, prefix: "/bare/workers/" },
    { name: "heartbeat", url: gatewayUrl, prefix: "/api/v1/workers/" },
  ];
  const max = new Map<string, Run>();
  for (const t of targets) {
    wrk(t.url, t.prefix, 3, CONNECTIONS); // warm-up (JIT, SQLite pages)
    max.set(t.name, wrk(t.url, t.prefix, DURATION_S, CONNECTIONS));
  }
  const halfRps = max.get("bare route")!.rps / 2;
  const half = new Map(targets.map((t) => [t.name, atRate(t.url, t.prefix, halfRps)]));

  const ms = (us: number) => (us / 1000).toFixed(2);
  const bareMax = max.get("bare route")!.rps;
  console.log(`\n${WORKERS} workers, wrk -t1 -c${CONNECTIONS}, ${DURATION_S}s per run; half load = ${Math.round(halfRps)} req/s (half of the bare route's maximum)\n`);
  console.log("| route | max req/s | vs bare | p50 at max | p99 at max | req/s at half load | p50 at half load | p99 at half load |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const t of targets) {
    const m = max.get(t.name)!;
    const h = half.get(t.name)!;
    console.log(`| ${t.name} | ${Math.round(m.rps)} | ${((100 * m.rps) / bareMax).toFixed(0)}% | ${ms(m.p50Us)} ms | ${ms(m.p99Us)} ms | ${Math.round(h.rps)} | ${ms(h.p50Us)} ms | ${ms(h.p99Us)} ms |`);
  }
  const hb = max.get("heartbeat")!;
  const hbHalf = half.get("heartbeat")!;
  const ok = hb.rps >= 0.5 * bareMax && hbHalf.p99Us < 10_000;
  console.log(`\ngoal (>= 50% of bare throughput, p99 < 10 ms at half load): ${ok ? "met" : "NOT met"}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  bare.kill("SIGTERM");
  await bare.exited;
  await coordinator.stop("SIGTERM");
  data.remove();
}
