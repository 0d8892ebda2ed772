/**
 * bun run bench:startup — time from spawn to the first 200 on /health for the
 * compiled gateway (embedded Redis, and external REDIS_URL), against a bare
 * Bun.serve binary compiled with the same flags in the same run. Also reports
 * the binary size. Usage: bun run bench:startup [runs=15]
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitForPong } from "../src/platform/redis/wait-for-pong.ts";

const root = join(import.meta.dir, "..");
const runs = Number(process.argv[2] ?? 15);
const work = mkdtempSync(join(tmpdir(), "wag-bench-"));

function compile(entry: string, outfile: string): void {
  const r = Bun.spawnSync(
    [process.execPath, "build", entry, "--compile", "--production", "--minify", "--bytecode", "--format=esm", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", `--outfile=${outfile}`],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  if (r.exitCode !== 0) throw new Error(`compile ${entry} failed`);
}

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** Milliseconds from spawn to the first 200 on /health; then SIGTERM and wait for exit. */
async function timeToHealth(cmd: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const proc: Subprocess = Bun.spawn([...cmd, `--port=${port}`], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "ignore", "ignore"] });
  let elapsed = -1;
  while (performance.now() - started < 10_000) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) {
        elapsed = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await Bun.sleep(1);
  }
  proc.kill("SIGTERM");
  await proc.exited;
  if (elapsed < 0) throw new Error(`${cmd[0]} did not answer /health within 10 s`);
  return elapsed;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function measure(name: string, cmd: string[], env: Record<string, string>) {
  await timeToHealth(cmd, env); // warm the page cache and create the data dir once
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeToHealth(cmd, env));
  return { name, p50: pct(samples, 50), p90: pct(samples, 90) };
}

const gateway = join(work, "wa-gateway");
const hello = join(work, "hello");
compile(join(root, "src/main.ts"), gateway);
compile(join(root, "bench/fixtures/hello.ts"), hello);

const redisDir = join(work, "redis");
Bun.spawnSync(["mkdir", "-p", redisDir]);
const socket = join(redisDir, "redis.sock");
const redis = Bun.spawn(["redis-server", "--port", "0", "--unixsocket", socket, "--dir", redisDir, "--save", ""], { stdio: ["ignore", "ignore", "ignore"] });
await waitForPong(socket, 10_000);

try {
  const bare = await measure("bare Bun.serve binary", [hello], {});
  const external = await measure("wa-gateway, external REDIS_URL", [gateway, `--data-dir=${join(work, "data-ext")}`, "--log-level=warn"], { REDIS_URL: `unix://${socket}` });
  const embedded = await measure("wa-gateway, embedded Redis", [gateway, `--data-dir=${join(work, "data-emb")}`, "--log-level=warn"], {});
  const size = Bun.file(gateway).size / 1024 / 1024;

  console.log(`bench:startup, ${runs} runs each, ${new Date().toISOString()}`);
  console.log("| case | p50 ms | p90 ms | p50 vs bare |");
  console.log("|---|---:|---:|---:|");
  for (const r of [bare, external, embedded]) {
    console.log(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p90.toFixed(1)} | ${(r.p50 / bare.p50).toFixed(2)}× |`);
  }
  console.log(`binary size: ${size.toFixed(1)} MB`);
  console.log(`goals: external ≤ 2× bare → ${external.p50 / bare.p50 <= 2 ? "met" : "NOT met"}; embedded ≤ 400 ms → ${embedded.p50 <= 400 ? "met" : "NOT met"}; binary ≤ 130 MB → ${size <= 130 ? "met" : "NOT met"}`);
} finally {
  redis.kill("SIGTERM");
  await redis.exited;
  rmSync(work, { recursive: true, force: true });
}
