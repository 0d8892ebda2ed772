import { afterAll, beforeAll, expect, test } from "bun:test";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { DEFAULT_JOB_OPTIONS, QUEUE_NAME } from "../../src/contracts/jobs/index.ts";
import { WorkerWorld } from "./support/worker-world.ts";

/*
 * Issue 22.7: a standalone worker retried a webhook its receiver refused (413) forever, and every event
 * queued behind it in that outbox lane (its session's, and other sessions' on the lane) never left. It
 * now follows the coordinator's policy: a 4xx (but 408 and 429) goes to the dead list at once, a
 * failure ends at the retry horizon (then the dead list too, as expired), and an operator reads and
 * redelivers the dead list through the worker's API.
 */

interface Webhook {
  event: string;
  sessionId: string;
  eventId: string;
  data: Record<string, unknown>;
}

const SESSIONS = ["s1", "s2", "s3", "s4", "s5", "s6"];
/** s1's first QR webhook is refused (413); s2's fails (503) until the retry horizon. */
const REFUSED = "s1";
const FAILING = "s2";

let world: WorkerWorld;
let queue: Queue;
let redis: Redis;
const received: Webhook[] = [];
const signed: string[] = [];
const chosen = new Map<string, string>();
let fixed = false;

const receiver = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const body = (await request.json()) as Webhook;
    if (request.headers.has("x-webhook-signature")) signed.push(body.eventId);
    const bad = body.sessionId === REFUSED || body.sessionId === FAILING;
    if (bad && !chosen.has(body.sessionId) && body.event === "connection.update" && typeof body.data.qr === "string") chosen.set(body.sessionId, body.eventId);
    if (!fixed && chosen.get(REFUSED) === body.eventId) return new Response("payload too large", { status: 413 });
    if (!fixed && chosen.get(FAILING) === body.eventId) return new Response("busy", { status: 503 });
    received.push(body);
    return new Response("ok");
  },
});

beforeAll(async () => {
  // No WEBHOOK_SECRET: the worker must say that it sends unsigned webhooks.
  world = await WorkerWorld.start({
    seed: "standalone-dead-webhooks",
    role: ["--role=worker", "--standalone"],
    args: [`--webhook-url=http://127.0.0.1:${receiver.port}/hook`, "--webhook-retry-horizon=3s", "--webhook-retry-base=100ms"],
  });
  redis = await connectRedis(world.redis.url, "standalone-dead-test");
  queue = new Queue(QUEUE_NAME, { connection: redis });
}, 60_000);
afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await world?.stop();
  receiver.stop(true);
}, 60_000);

interface DeadView {
  eventId: string | null;
  event: string | null;
  sessionId: string | null;
  reason: string;
  detail: string | null;
  deadAt: string | null;
  webhook: Record<string, unknown> | null;
}

const dead = async () => {
  const reply = await world.api<DeadView[]>("GET", "/api/v1/webhooks/dead");
  expect(reply.status).toBe(200);
  return reply.body.data;
};

test("a refused webhook goes to the dead list without holding up the others, and is redelivered once the receiver is fixed", async () => {
  expect(world.logged("standalone worker without WEBHOOK_SECRET: it sends unsigned webhooks (no X-Webhook-Signature), so receivers cannot verify them")).toHaveLength(1);
  expect((await fetch(`${world.baseUrl}/api/v1/webhooks/dead`)).status).toBe(401);

  for (const sessionId of SESSIONS) await queue.add("START_SESSION", { sessionId }, DEFAULT_JOB_OPTIONS);
  const refused = await world.until("the receiver to refuse s1's first QR", () => chosen.get(REFUSED), 60_000);
  const failing = await world.until("the receiver to fail s2's first QR", () => chosen.get(FAILING), 60_000);

  // Every session's events arrive, the refused and the failing sessions' later ones too (UUIDv7: later ids sort after).
  for (const sessionId of SESSIONS.filter((id) => id !== REFUSED && id !== FAILING)) {
    await world.until(`${sessionId}'s QR webhook`, () => received.find((w) => w.sessionId === sessionId && w.event === "connection.update" && typeof w.data.qr === "string"), 60_000);
  }
  await world.until("an s1 event queued after the refused one", () => received.find((w) => w.sessionId === REFUSED && w.eventId > refused), 60_000);
  await world.until("an s2 event queued after the failing one", () => received.find((w) => w.sessionId === FAILING && w.eventId > failing), 60_000);

  const letters = await world.until("both in the dead list", async () => {
    const list = await dead();
    return list.length === 2 ? list : undefined;
  }, 60_000);
  const byId = new Map(letters.map((l) => [l.eventId, l]));
  expect(byId.get(refused)).toMatchObject({ sessionId: REFUSED, event: "connection.update", reason: "rejected", webhook: { eventId: refused, sessionId: REFUSED, event: "connection.update" } });
  expect(byId.get(refused)?.detail).toContain("413");
  expect(byId.get(failing)).toMatchObject({ sessionId: FAILING, event: "connection.update", reason: "expired" });
  expect(byId.get(failing)?.detail).toContain("503");
  expect(received.some((w) => w.eventId === refused || w.eventId === failing)).toBe(false);

  // The receiver is fixed: the operator redelivers one, then the rest.
  fixed = true;
  const one = await world.api<{ queued: number }>("POST", "/api/v1/webhooks/dead/redeliver", { eventIds: [refused] });
  expect({ status: one.status, queued: one.body.data.queued }).toEqual({ status: 202, queued: 1 });
  await world.until("the refused webhook, redelivered", () => received.find((w) => w.eventId === refused), 30_000);
  const rest = await world.api<{ queued: number }>("POST", "/api/v1/webhooks/dead/redeliver", {});
  expect({ status: rest.status, queued: rest.body.data.queued }).toEqual({ status: 202, queued: 1 });
  await world.until("the expired webhook, redelivered", () => received.find((w) => w.eventId === failing), 30_000);
  expect(await dead()).toEqual([]);
  expect(received.filter((w) => w.eventId === refused)).toHaveLength(1);
  expect(signed).toEqual([]);
}, 180_000);
