import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AuthFailures } from "../../src/http/auth-failures.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";

/*
 * Failed authentication (issue 17.5): each failure is logged with its source and route, never with what
 * was presented, and a source past its budget gets 429 with Retry-After, whatever it presents, until the
 * budget refills.
 */
describe("the failure budget", () => {
  test("a source gets perMinute failures, then waits for a token; other sources are not affected", () => {
    let now = 0;
    const failures = new AuthFailures(3, () => now);
    expect(failures.retryAfter("a")).toBe(0);
    expect([failures.record("a"), failures.record("a"), failures.record("a")]).toEqual([false, false, true]);
    expect(failures.retryAfter("a")).toBe(20);
    expect(failures.retryAfter("b")).toBe(0);
    now += 10_000;
    expect(failures.retryAfter("a")).toBe(10);
    now += 10_000;
    expect(failures.retryAfter("a")).toBe(0);
  });

  test("the table of sources is bounded", () => {
    let now = 0;
    const failures = new AuthFailures(2, () => now, 100);
    for (let i = 0; i < 1000; i++) failures.record(`10.0.${i >> 8}.${i & 255}`);
    // The newest sources are remembered; the table never grew past its bound (the oldest were forgotten).
    expect(failures.retryAfter("10.0.3.231")).toBe(0);
    failures.record("10.0.3.231");
    expect(failures.retryAfter("10.0.3.231")).toBeGreaterThan(0);
    now += 60_000;
    expect(failures.retryAfter("10.0.3.231")).toBe(0);
  });
});

describe("a gateway under a key-guessing attack", () => {
  const API_KEY = "auth-failures-api-key-0123456789";
  let redis: TestRedis;
  let gateway: GatewayProcess;
  let dir: { path: string; remove(): void };
  beforeAll(async () => {
    redis = await startTestRedis();
    dir = makeTempDir("wag-authfail-");
    gateway = await spawnGateway({
      args: ["--role=all", `--data-dir=${dir.path}`, `--redis-url=${redis.url}`, "--auth-failures-per-minute=5"],
      env: { API_KEY, BACKEND_AUTH_TOKEN: "auth-failures-worker-token-0123" },
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
    dir?.remove();
  });

  test("five wrong keys get 401 and a log line each; then 429 with Retry-After, even for the right key", async () => {
    const url = `${gateway.baseUrl}/api/v1/sessions`;
    const guesses = Array.from({ length: 5 }, (_, i) => `guess-number-${i}-0123456789`);
    for (const guess of guesses) expect((await fetch(url, { headers: { authorization: `Bearer ${guess}` } })).status).toBe(401);
    const limited = await fetch(url, { headers: { "x-api-key": "guess-number-5-0123456789" } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ success: false, code: "TOO_MANY_AUTH_FAILURES" });
    // While limited, the right key tells the guesser nothing either.
    expect((await fetch(url, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(429);
    // Public routes stay open.
    expect((await fetch(`${gateway.baseUrl}/health`)).status).toBe(200);

    const deadline = Date.now() + 5000;
    const failed = () => gateway.logs.filter((l) => l.msg === "authentication failed");
    while (failed().length < 5 && Date.now() < deadline) await Bun.sleep(25);
    expect(failed().map((l) => [l.source, l.method, l.path])).toEqual(guesses.map(() => ["127.0.0.1", "GET", "/api/v1/sessions"]));
    expect(gateway.logs.some((l) => typeof l.msg === "string" && l.msg.startsWith("too many failed authentications"))).toBe(true);
    const logs = JSON.stringify(gateway.logs);
    for (const guess of guesses) expect(logs).not.toContain(guess);
  });
});
