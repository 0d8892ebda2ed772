import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { JobResultStore } from "../../src/job-consumer/result-store.ts";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { DEFAULT_JOB_OPTIONS, QUEUE_NAME } from "../../src/contracts/jobs/index.ts";
import { WorkerWorld } from "./support/worker-world.ts";
import { controlScan, polledQr, scanUntilLinked } from "../support/link-by-qr.ts";

interface Webhook {
  event: string;
  sessionId: string;
  timestamp: number;
  eventId: string;
  data: Record<string, unknown>;
}

let world: WorkerWorld;
let queue: Queue;
let redis: Redis;
let results: JobResultStore;
const received: Webhook[] = [];
let failNext = 0;
let badSignatures = 0;
const SECRET = "standalone-webhook-secret-0123456789";
const receiver = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const raw = await request.text();
    const body = JSON.parse(raw) as Webhook;
    // Verified the way the README tells receivers to, with node:crypto alone.
    const timestamp = request.headers.get("x-webhook-timestamp") ?? "";
    const expected = `v1=${createHmac("sha256", SECRET).update(`${timestamp}.${raw}`).digest("hex")}`;
    if (request.headers.get("x-webhook-signature") !== expected || request.headers.get("x-webhook-id") !== body.eventId) badSignatures++;
    // A receiver that is briefly down: the worker must deliver again, in order.
    if (failNext > 0) {
      failNext--;
      return new Response("down", { status: 503 });
    }
    received.push(body);
    return new Response("ok");
  },
});

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-standalone", role: ["--role=worker", "--standalone"], args: [`--webhook-url=http://127.0.0.1:${receiver.port}/hook`], env: { WEBHOOK_SECRET: SECRET } });
  redis = await connectRedis(world.redis.url, "standalone-test");
  queue = new Queue(QUEUE_NAME, { connection: redis });
  results = new JobResultStore(redis);
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await world.stop();
  receiver.stop(true);
});

const hook = (what: string, match: (w: Webhook) => boolean) => world.until(what, () => received.find(match), 20_000);

test("a standalone worker takes raw BullMQ jobs and posts contract B webhooks to WEBHOOK_URL, with no coordinator", async () => {
  const phone = world.sim.control.createAccount({ name: "Solo" });
  await queue.add("START_SESSION", { sessionId: "solo" }, DEFAULT_JOB_OPTIONS);
  const qr = await hook("connection.update with a QR", (w) => w.event === "connection.update" && typeof w.data.qr === "string");
  expect(qr).toMatchObject({ sessionId: "solo", data: { connection: "connecting" } });
  expect(Number.isInteger(qr.timestamp)).toBe(true);
  expect(Math.abs(qr.timestamp - Date.now() / 1000)).toBeLessThan(60);

  // The QR as the webhooks show it, re-rendered ones included (today's server refreshes the registration).
  const webhookQr = polledQr(async () => received.filter((w) => w.event === "connection.update" && typeof w.data.qr === "string").at(-1)?.data.qr as string | undefined);
  expect(await scanUntilLinked(webhookQr, controlScan(world.sim.control, phone.phone))).toBe(1);
  await hook("connection.update open", (w) => w.event === "connection.update" && w.data.connection === "open");

  const carol = world.sim.control.createAccount({ name: "Carol" });
  const job = await queue.add("SEND_TEXT", { sessionId: "solo", to: carol.jid, text: "from a raw producer" }, DEFAULT_JOB_OPTIONS);
  // Contract B removes completed jobs; the intake keeps each job's result for the producer.
  const outcome = await world.until("the job's result", () => results.get(job.id ?? ""));
  const sent = outcome.result as { messageId: string };
  const got = await world.sim.control.waitForInbox(carol.phone, (e) => e.id === sent.messageId);
  expect(got.message.extendedTextMessage?.text ?? got.message.conversation).toBe("from a raw producer");

  // The receiver goes down for a while; nothing is lost and the order holds.
  failNext = 3;
  const first = await world.sim.control.sendText(carol.phone, phone.phone, "one");
  const second = await world.sim.control.sendText(carol.phone, phone.phone, "two");
  const upserts = await world.until("both messages.upsert", () => {
    const list = received.filter((w) => w.event === "messages.upsert");
    return list.length >= 2 ? list : undefined;
  });
  const ids = upserts.flatMap((w) => (w.data.messages as { key: { id: string } }[]).map((m) => m.key.id));
  expect(ids).toEqual([first.id, second.id]);
  const [one] = upserts;
  expect(Object.keys(one!).sort()).toEqual(["data", "event", "eventId", "sessionId", "timestamp", "workerId"]);
  expect(one!.data).toMatchObject({
    type: "notify",
    messages: [{ key: { remoteJid: carol.jid, fromMe: false, id: first.id }, message: { conversation: "one" }, pushName: "Carol" }],
  });
  expect(new Set(received.map((w) => w.eventId)).size).toBe(received.length);
  expect(badSignatures).toBe(0);
});
