import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

interface Metrics {
  timestamp: string;
  cpuUsage: number | null;
  memoryUsage: number | null;
  uptime: number | null;
  messageCount: number | null;
  sessions: Record<string, number | null>;
}
interface WorkerDetail {
  status: string;
  registered: boolean;
  offlineReason: string | null;
  lastMetrics: Metrics | null;
  sessions: { sessionId: string; status: string; phoneNumber: string | null }[];
}

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-outage", split: true });
});
afterAll(() => world.stop());

const worker = async (): Promise<WorkerDetail> => (await world.api<WorkerDetail>("GET", "/api/v1/workers/worker-test")).body.data;

const metrics = async (): Promise<Metrics[]> => (await world.api<Metrics[]>("GET", "/api/v1/workers/worker-test/metrics?limit=1000")).body.data;

/** Ids of the incoming messages the ledger holds for a session, in ledger order, one entry per upsert. */
const upsertedIds = (sessionId: string): string[] =>
  world
    .ledger(sessionId)
    .filter((e) => e.event === "messages.upsert")
    .flatMap((e) => (e.data.messages as { key: { id: string; fromMe: boolean } }[]).filter((m) => !m.key.fromMe).map((m) => m.key.id));

test("a worker in its own process keeps its session while the coordinator is down, and delivers what happened meanwhile once, in order", async () => {
  const biz = await world.link("outage");
  expect((await world.session("outage")).workerId).toBe("worker-test");
  const erin = world.sim.control.createAccount({ name: "Erin" });
  // A first message, before the outage: Baileys handles a new contact's first messages concurrently
  // (LID mapping lookups before its decrypt mutex), so their order is not the gateway's to keep.
  const hello = await world.sim.control.sendText(erin.phone, biz.phone, "hello");
  await world.until("the first message", () => (upsertedIds("outage").includes(hello.id) ? true : undefined));

  await world.stopCoordinator();
  const sent: string[] = [];
  for (let i = 1; i <= 5; i++) sent.push((await world.sim.control.sendText(erin.phone, biz.phone, `while you were out ${i}`)).id);
  // The worker cannot report, and says so, but its session keeps running and it keeps the reports in Redis.
  await world.until("a failed heartbeat", () => (world.logged("heartbeat failed; sessions keep running").length > 0 ? true : undefined));
  const redis = await world.redisClient();
  await world.until("the reports buffered in Redis", async () => {
    const lanes = await redis.keys("wag:outbox:coordinator:worker-test:*");
    const queued = await Promise.all(lanes.map((lane) => redis.llen(lane)));
    // messages.upsert and message_received for each message.
    return queued.reduce((a, b) => a + b, 0) >= 2 * sent.length ? true : undefined;
  });
  expect(world.sim.control.getAccount(biz.phone).devices.filter((d) => d.online)).toHaveLength(1);

  await world.startCoordinator();
  const receivedIds = () => world.ledger("outage").filter((e) => e.event === "message_received").map((e) => String(e.data.messageId));
  // message_received is each message's last report.
  await world.until("every message in the ledger", () => (receivedIds().includes(sent.at(-1)!) ? true : undefined));
  // Once each and in the order they were sent.
  expect(upsertedIds("outage").filter((id) => sent.includes(id))).toEqual(sent);
  expect(receivedIds().filter((id) => sent.includes(id))).toEqual(sent);
  // The whole session stream arrived in the order the worker reported it, without gaps.
  const db = world.db();
  const stream = db.query<{ sequence: number; occurred_at: number }, []>("SELECT sequence, occurred_at FROM event_ledger WHERE stream = 'session:outage' ORDER BY position").all();
  db.close();
  expect(stream.map((r) => r.sequence)).toEqual(stream.map((_, i) => i + 1));
  expect(stream.map((r) => r.occurred_at)).toEqual(stream.map((r) => r.occurred_at).toSorted((a, b) => a - b));
  // No reconnect happened: the WhatsApp side never noticed the outage.
  expect(world.ledger("outage").filter((e) => e.source === "session-status").map((e) => e.data.status).at(-1)).toBe("connected");
  expect(world.logged("reconnecting after a backoff")).toEqual([]);

  // Heartbeats resume with real figures, counting the messages handled while the coordinator was away.
  const restartedAt = Date.now();
  const latest = await world.until("a heartbeat after the outage", async () => {
    const m = (await worker()).lastMetrics;
    return m && Date.parse(m.timestamp) >= restartedAt ? m : undefined;
  });
  expect(latest.messageCount).toBeGreaterThanOrEqual(sent.length);
  expect(latest.sessions).toEqual({ total: 1, connected: 1, disconnected: 0, qr_required: 0, reconnecting: 0, error: 0 });
  expect(latest.memoryUsage).toBeGreaterThan(0);
  expect(latest.memoryUsage).toBeLessThan(100);
  expect(latest.uptime).toBeGreaterThanOrEqual(1);
  const all = await metrics();
  expect(Math.max(...all.map((m) => m.cpuUsage ?? 0))).toBeGreaterThan(0);
  const detail = await worker();
  expect(detail).toMatchObject({ status: "ONLINE", registered: true });
  expect(detail.sessions).toEqual([{ sessionId: "outage", status: "connected", phoneNumber: biz.phone }]);
}, 45_000);

test("a gracefully stopped worker reports worker_stopping and unregisters", async () => {
  await world.workerProcess!.stop("SIGTERM");
  const detail = await worker();
  expect(detail).toMatchObject({ status: "OFFLINE", registered: false, offlineReason: "unregistered" });
  const db = world.db();
  const events = db.query<{ event: string }, []>("SELECT event FROM event_ledger WHERE worker_id = 'worker-test' AND session_id IS NULL ORDER BY position").all().map((r) => r.event);
  db.close();
  expect(events).toContain("worker_started");
  // The coordinator notes the worker offline (unregistered) after the worker said it was stopping.
  expect(events.slice(-2)).toEqual(["worker_stopping", "worker_offline"]);
});
