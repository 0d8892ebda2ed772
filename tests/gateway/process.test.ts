import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnGateway } from "../support/gateway-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

function redisPids(socketDir: string): number[] {
  const out = Bun.spawnSync(["pgrep", "-f", `redis-server unixsocket:${socketDir}`]).stdout.toString().trim();
  return out ? out.split("\n").map(Number).filter((pid) => !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ")) : [];
}

describe("gateway process (bun src/main.ts)", () => {
  test("starts with no configuration, answers /health and /ready, and leaves no redis-server after SIGTERM", async () => {
    const data = makeTempDir();
    dirs.push(data);
    const gw = await spawnGateway({ args: [`--data-dir=${data.path}`] });
    const health = await fetch(`${gw.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", role: "all" });
    const ready = await fetch(`${gw.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok", database: "ok" } });

    // First run generated the secrets, kept them 0600, and printed the API key once.
    const secrets = join(data.path, "secrets.env");
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    const apiKey = /API_KEY=(\S+)/.exec(readFileSync(secrets, "utf8"))?.[1];
    expect(apiKey).toBeTruthy();
    expect(gw.stderr()).toContain(`API_KEY=${apiKey}`);
    expect(JSON.stringify(gw.logs)).not.toContain(apiKey!);

    const redisDir = join(data.path, "redis");
    expect(redisPids(redisDir).length).toBe(1);
    expect(await gw.stop("SIGTERM")).toBe(0);
    expect(redisPids(redisDir)).toEqual([]);
    expect(existsSync(join(data.path, "wa-gateway.db"))).toBe(true);
  });
});
