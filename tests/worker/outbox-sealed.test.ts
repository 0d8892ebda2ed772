import { afterAll, beforeAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createLogger } from "../../src/platform/logger.ts";
import { redisOptions } from "../../src/platform/redis/redis-connection.ts";
import { DurableOutbox, type OutboxItem } from "../../src/worker/reporting/durable-outbox.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";

/*
 * The worker's reports wait in Redis until delivered (issue 17.8): message texts, numbers, and QR codes
 * that embed the ADV secret. They are sealed there, so Redis, its AOF and its backups hold none of it.
 */
let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(redisOptions(server.url));
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const KEY = new Uint8Array(32).fill(3);
const QR = "2@ref-abc,noise-key,identity-key,adv-secret-do-not-leak";

function outbox(name: string, sealKey: Uint8Array, delivered: OutboxItem[], previousSealKey?: Uint8Array) {
  return new DurableOutbox(redis, {
    name,
    lanes: 2,
    sealKey,
    ...(previousSealKey && { previousSealKey }),
    log: createLogger("silent"),
    deliver: async (item) => {
      delivered.push(item);
      return "delivered";
    },
  });
}

const until = async (check: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await Bun.sleep(20);
  }
};

test("queued items are sealed in Redis and delivered as they were pushed", async () => {
  const delivered: OutboxItem[] = [];
  const box = outbox("sealed-test", KEY, delivered);
  const item = { event: "qr_ready", sessionId: "s1", data: { qrString: QR, text: "hello from +628111" } };
  await box.push("session:s1", item);
  const raw = (await Promise.all((await redis.keys("wag:outbox:sealed-test:*")).map((k) => redis.lrange(k, 0, -1)))).flat();
  expect(raw.length).toBe(1);
  expect(raw[0]).toStartWith("s1:");
  for (const secret of ["adv-secret", "noise-key", "628111", "hello"]) expect(raw[0]).not.toContain(secret);
  box.start();
  await until(() => delivered.length === 1);
  await box.stop(1000);
  expect(delivered).toEqual([item]);
});

test("an item queued in clear by an older version is still delivered; one sealed under another key goes to the dead list", async () => {
  const delivered: OutboxItem[] = [];
  const other = outbox("mixed-test", new Uint8Array(32).fill(4), []);
  await other.push("session:s1", { n: 1 });
  const [lane] = await redis.keys("wag:outbox:mixed-test:*");
  await redis.rpush(lane!, JSON.stringify({ n: 2 }));
  const box = outbox("mixed-test", KEY, delivered);
  box.start();
  await until(() => delivered.length === 1);
  await until(async () => (await redis.llen("wag:outbox:mixed-test:dead")) === 1);
  await box.stop(1000);
  expect(delivered).toEqual([{ n: 2 }]);
});

test("after AUTH_STATE_KEY is rotated, items queued under the previous key still deliver while it is given", async () => {
  const old = new Uint8Array(32).fill(5);
  await outbox("rotated-test", old, []).push("session:s1", { n: "queued before the rotation" });
  const delivered: OutboxItem[] = [];
  const box = outbox("rotated-test", KEY, delivered, old);
  await box.push("session:s1", { n: "queued after" });
  box.start();
  await until(() => delivered.length === 2);
  await box.stop(1000);
  expect(delivered).toEqual([{ n: "queued before the rotation" }, { n: "queued after" }]);
  expect(await redis.llen("wag:outbox:rotated-test:dead")).toBe(0);
});
