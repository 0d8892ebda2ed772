import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BINARY, runGateway, spawnGateway } from "../support/gateway-process.ts";
import { startTestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));
function dataDir(): string {
  const d = makeTempDir();
  dirs.push(d);
  return d.path;
}

/** Live (non-zombie) redis-server processes serving this data dir's socket. */
function redisPids(data: string): number[] {
  const out = Bun.spawnSync(["pgrep", "-f", `redis-server unixsocket:${join(data, "redis")}`]).stdout.toString().trim();
  return out
    ? out
        .split("\n")
        .map(Number)
        .filter((pid) => {
          try {
            return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
          } catch {
            return false;
          }
        })
    : [];
}

beforeAll(() => {
  // The suite normally runs after `bun run build`; build here too so a lone `bun test` still covers the binary.
  if (!existsSync(BINARY)) {
    const built = Bun.spawnSync([process.execPath, "run", "build"], { cwd: join(import.meta.dir, "../.."), stdio: ["ignore", "ignore", "inherit"] });
    if (built.exitCode !== 0) throw new Error("bun run build failed");
  }
});

for (const binary of [false, true]) {
  describe(binary ? "compiled binary" : "bun src/main.ts", () => {
    test("starts with no configuration: /health, /ready, secrets generated once, no redis-server left after SIGTERM", async () => {
      const data = dataDir();
      const gw = await spawnGateway({ binary, args: [`--data-dir=${data}`] });
      const health = await fetch(`${gw.baseUrl}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", role: "all" });
      const ready = await fetch(`${gw.baseUrl}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok", database: "ok" } });

      const secrets = join(data, "secrets.env");
      expect(statSync(secrets).mode & 0o777).toBe(0o600);
      // Shown once on the terminal; the data dir keeps only its SHA-256, and the log never has it.
      const apiKey = /API_KEY=(\S+)/.exec(gw.stderr())?.[1];
      expect(apiKey).toBeTruthy();
      const kept = readFileSync(secrets, "utf8");
      expect(kept).not.toContain(apiKey!);
      expect(kept).toContain(`API_KEY_SHA256=${createHash("sha256").update(apiKey!).digest("hex")}`);
      expect((await fetch(`${gw.baseUrl}/api/v1/sessions`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
      expect(JSON.stringify(gw.logs)).not.toContain(apiKey!);

      expect(redisPids(data).length).toBe(1);
      expect(await gw.stop("SIGTERM")).toBe(0);
      expect(redisPids(data)).toEqual([]);
      expect(existsSync(join(data, "wa-gateway.db"))).toBe(true);
    });

    test("SIGINT also stops cleanly, and the next start reuses the same secrets without printing them", async () => {
      const data = dataDir();
      const first = await spawnGateway({ binary, args: [`--data-dir=${data}`] });
      expect(await first.stop("SIGINT")).toBe(0);
      expect(redisPids(data)).toEqual([]);
      const second = await spawnGateway({ binary, args: [`--data-dir=${data}`] });
      expect(second.stderr()).not.toContain("API_KEY=");
      expect(await second.stop()).toBe(0);
    });

    test("--help lists the settings; --version prints the version", async () => {
      const help = await runGateway({ binary, args: ["--help"] });
      expect(help.status).toBe(0);
      for (const word of ["--role", "--data-dir", "REDIS_URL", "BACKEND_AUTH_TOKEN", "API_KEY", "AUTH_STATE_KEY", "WEBHOOK_URL", "--log-level"]) {
        expect(help.stdout).toContain(word);
      }
      const version = await runGateway({ binary, args: ["--version"] });
      expect(version.stdout).toMatch(/^wa-gateway \d+\.\d+\.\d+\n$/);
    });

    test("a bad flag or variable exits 2 with one line naming it, no stack trace", async () => {
      const flag = await runGateway({ binary, args: ["--max-sessions=lots"] });
      expect(flag.status).toBe(2);
      expect(flag.stderr).toBe('wa-gateway: --max-sessions must be an integer from 1 to 100000, got "lots"\n');
      const env = await runGateway({ binary, env: { LOG_LEVEL: "chatty" } });
      expect(env.status).toBe(2);
      expect(env.stderr.trim().split("\n")).toHaveLength(1);
      expect(env.stderr).toContain("LOG_LEVEL must be one of");
    });

    test("a coordinator alone without its secrets is refused, naming each", async () => {
      const r = await runGateway({ binary, args: ["--role=coordinator", `--data-dir=${dataDir()}`] });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("BACKEND_AUTH_TOKEN, API_KEY");
    });

    test("without redis-server installed it names the package to install", async () => {
      const r = await runGateway({ binary, args: [`--data-dir=${dataDir()}`], env: { PATH: "/nonexistent" } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('install the Debian/Ubuntu package "redis-server"');
      expect(r.stderr).not.toContain("    at ");
    });

    test("a second coordinator on the same data dir is refused with a clear message", async () => {
      const data = dataDir();
      const first = await spawnGateway({ binary, args: [`--data-dir=${data}`] });
      const second = await runGateway({ binary, args: [`--data-dir=${data}`, "--port=0"] });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`another coordinator (pid ${first.proc.pid}) is already using the data dir`);
      // The refused process must not have disturbed the first one's Redis.
      expect((await fetch(`${first.baseUrl}/ready`)).status).toBe(200);
      expect(await first.stop()).toBe(0);
      expect(redisPids(data)).toEqual([]);
    });

    test("after a SIGKILL, the next start stops the leftover redis-server and runs with one", async () => {
      const data = dataDir();
      const crashed = await spawnGateway({ binary, args: [`--data-dir=${data}`] });
      const [leftover] = redisPids(data);
      expect(leftover).toBeGreaterThan(0);
      await crashed.stop("SIGKILL");
      expect(redisPids(data)).toEqual([leftover!]);
      const next = await spawnGateway({ binary, args: [`--data-dir=${data}`] });
      expect((await fetch(`${next.baseUrl}/ready`)).status).toBe(200);
      const now = redisPids(data);
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(leftover!);
      expect(next.logs.some((l) => String(l.msg).includes("left behind"))).toBe(true);
      expect(await next.stop()).toBe(0);
      expect(redisPids(data)).toEqual([]);
    });

    test("every error status comes back in contract A's shape: 404, 413, 401, 400 (field named), 400 (bad JSON)", async () => {
      const data = dataDir();
      const gw = await spawnGateway({ binary, args: [`--data-dir=${data}`, "--max-body-size=1kb"] });
      const missing = await fetch(`${gw.baseUrl}/api/v1/nothing`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ success: false, error: "No route for GET /api/v1/nothing", code: "NOT_FOUND" });
      const big = await fetch(`${gw.baseUrl}/api/v1/nothing`, { method: "POST", body: "x".repeat(2048) });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ success: false, code: "PAYLOAD_TOO_LARGE" });
      // 401, 400 naming the field, and 400 for malformed JSON, through a real contract A endpoint.
      const register = `${gw.baseUrl}/api/v1/workers/register`;
      const json = { "content-type": "application/json" };
      const noAuth = await fetch(register, { method: "POST", headers: json, body: "{}" });
      expect(noAuth.status).toBe(401);
      expect(await noAuth.json()).toMatchObject({ success: false, code: "UNAUTHORIZED" });
      const token = /BACKEND_AUTH_TOKEN=(\S+)/.exec(readFileSync(join(data, "secrets.env"), "utf8"))?.[1];
      const authed = { ...json, authorization: `Bearer ${token}` };
      const invalid = await fetch(register, { method: "POST", headers: authed, body: JSON.stringify({ workerId: "w-1", endpoint: "http://localhost:8001", maxSessions: 0 }) });
      expect(invalid.status).toBe(400);
      const invalidBody = (await invalid.json()) as { success: boolean; code: string; error: string };
      expect(invalidBody).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(invalidBody.error).toContain("maxSessions");
      const malformed = await fetch(register, { method: "POST", headers: authed, body: '{"workerId": ' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ success: false, code: "INVALID_JSON" });
      expect(await gw.stop()).toBe(0);
    });
  });
}

describe("roles", () => {
  test("--role=worker runs without SQLite: its /ready checks Redis only, on the worker's own data dir", async () => {
    const data = dataDir();
    const gw = await spawnGateway({
      args: ["--role=worker", `--data-dir=${data}`],
      env: { BACKEND_AUTH_TOKEN: "w".repeat(24), AUTH_STATE_KEY: "ab".repeat(32) },
    });
    expect(await (await fetch(`${gw.baseUrl}/health`)).json()).toMatchObject({ status: "ok", role: "worker" });
    expect(await (await fetch(`${gw.baseUrl}/ready`)).json()).toEqual({ status: "ready", checks: { redis: "ok" } });
    expect(existsSync(join(data, "wa-gateway.db"))).toBe(false);
    expect(existsSync(join(data, "secrets.env"))).toBe(false);
    expect(await gw.stop()).toBe(0);
    expect(redisPids(data)).toEqual([]);
  });
});

describe("external Redis (REDIS_URL)", () => {
  test("uses it, warns about an evicting maxmemory-policy, and /ready reports 503 when it goes away", async () => {
    const redis = await startTestRedis(["--maxmemory-policy", "allkeys-lru"]);
    const data = dataDir();
    const gw = await spawnGateway({ args: [`--data-dir=${data}`], env: { REDIS_URL: redis.url } });
    try {
      expect(existsSync(join(data, "redis"))).toBe(false);
      expect(gw.logs.some((l) => l.level === 40 && String(l.msg).includes("noeviction"))).toBe(true);
      expect((await fetch(`${gw.baseUrl}/ready`)).status).toBe(200);
      await redis.stop();
      const res = await fetch(`${gw.baseUrl}/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { success: boolean; code: string; error: string; checks: Record<string, string> };
      expect(body.success).toBe(false);
      expect(body.code).toBe("NOT_READY");
      expect(body.error).toContain("redis");
      expect(body.checks.database).toBe("ok");
      expect(body.checks.redis).not.toBe("ok");
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });
});
