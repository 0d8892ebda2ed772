import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { SessionLeases, type Fence } from "../../src/worker/ownership/session-lease.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = await connectRedis(server.url, "lease-test");
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const fenceOf = (r: Awaited<ReturnType<SessionLeases["acquire"]>>): Fence => {
  if (!r.ok) throw new Error(`held by ${r.holder}`);
  return r.fence;
};

test("one holder at a time; the epoch only grows; a stale holder can neither renew nor release", async () => {
  const a = new SessionLeases(redis, { workerId: "w-a", instanceId: "1" }, 5000);
  const b = new SessionLeases(redis, { workerId: "w-b", instanceId: "1" }, 5000);
  const first = fenceOf(await a.acquire("s1"));
  expect(await b.acquire("s1")).toEqual({ ok: false, holder: "w-a" });
  // Acquiring again in the same process keeps the same lease.
  expect(fenceOf(await a.acquire("s1"))).toEqual(first);

  // The same worker id restarted (a new instance) takes over at once, with a new epoch.
  const restarted = new SessionLeases(redis, { workerId: "w-a", instanceId: "2" }, 5000);
  const second = fenceOf(await restarted.acquire("s1"));
  expect(second.epoch).toBeGreaterThan(first.epoch);
  expect(await a.renew(first)).toBe(false);
  await a.release(first);
  expect(await redis.get(second.key)).toBe(second.token);

  await restarted.release(second);
  const third = fenceOf(await b.acquire("s1"));
  expect(third.epoch).toBeGreaterThan(second.epoch);
  expect(await b.renew(third)).toBe(true);
});

test("a lease that is not renewed lapses and another worker gets it", async () => {
  const a = new SessionLeases(redis, { workerId: "w-a", instanceId: "1" }, 150);
  const b = new SessionLeases(redis, { workerId: "w-b", instanceId: "1" }, 150);
  const held = fenceOf(await a.acquire("s2"));
  expect((await b.acquire("s2")).ok).toBe(false);
  await Bun.sleep(250);
  const taken = fenceOf(await b.acquire("s2"));
  expect(taken.epoch).toBe(held.epoch + 1);
  expect(await a.renew(held)).toBe(false);
});
