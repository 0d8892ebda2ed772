import type { Subprocess } from "bun";
import { join } from "node:path";
import { BUN_HEAD_FLAG } from "../../src/http/request-guard.ts";
import { startTestRedis } from "./redis-server.ts";
import { makeTempDir } from "./temp-dir.ts";

const ROOT = join(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist/wa-gateway");

export interface GatewayProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Set once the gateway logged that it started. */
  baseUrl: string;
  port: number;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Sends a signal and waits for the exit status (at once if it already exited). */
  stop(signal?: NodeJS.Signals): Promise<number>;
  /** Sends a signal without waiting, e.g. SIGSTOP and SIGCONT to freeze it for a while. */
  signal(signal: NodeJS.Signals): void;
}

export interface SpawnOptions {
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Run the compiled binary instead of `bun src/main.ts`. */
  binary?: boolean;
}

export function gatewayCommand(binary: boolean): string[] {
  // As scripts/start.sh runs it; the binary has the flag built in.
  return binary ? [BINARY] : [process.execPath, BUN_HEAD_FLAG, join(ROOT, "src/main.ts")];
}

/** Environment without anything from the developer's shell that could change the gateway's config. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs to completion (for --help, bad flags, refusals) and returns status and output. */
export async function runGateway(opts: SpawnOptions): Promise<{ status: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([...gatewayCommand(opts.binary ?? false), ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { status, stdout, stderr };
}

/** Starts the gateway on a free port and resolves once it listens. */
export async function spawnGateway(opts: SpawnOptions): Promise<GatewayProcess> {
  const proc = Bun.spawn([...gatewayCommand(opts.binary ?? false), "--port=0", ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let stderrText = "";
  void (async () => {
    for await (const chunk of proc.stderr) stderrText += new TextDecoder().decode(chunk);
  })();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderrText}`)), 20_000);
    void proc.exited.then((code) => reject(new Error(`gateway exited with ${code} before listening: ${stderrText}`)));
    void (async () => {
      let buffered = "";
      for await (const chunk of proc.stdout) {
        buffered += new TextDecoder().decode(chunk);
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            logs.push(entry);
            // "started", not "listening": the port answers liveness before the app is ready.
            if (entry.msg === "wa-gateway started" && typeof entry.port === "number") {
              clearTimeout(timer);
              resolve(entry.port);
            }
          } catch {
            // not a log line
          }
        }
      }
    })();
  });
  return {
    proc,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    stderr: () => stderrText,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        // A frozen process would hold a SIGTERM until it is let go on.
        if (signal !== "SIGKILL") proc.kill("SIGCONT");
      }
      return await proc.exited;
    },
    signal(signal: NodeJS.Signals) {
      proc.kill(signal);
    },
  };
}

/** A gateway (--role=all unless args say otherwise) on its own Redis and data dir, for tests that drive one over HTTP. */
export interface GatewayOnRedis {
  gateway: GatewayProcess;
  stop(): Promise<void>;
}

export async function spawnGatewayOnTestRedis(opts: { args?: string[]; env?: Record<string, string> }): Promise<GatewayOnRedis> {
  const redis = await startTestRedis();
  const dir = makeTempDir("wag-gateway-");
  const gateway = await spawnGateway({ args: ["--role=all", `--data-dir=${dir.path}`, `--redis-url=${redis.url}`, ...(opts.args ?? [])], ...(opts.env && { env: opts.env }) });
  return {
    gateway,
    async stop() {
      await gateway.stop();
      await redis.stop();
      dir.remove();
    },
  };
}
