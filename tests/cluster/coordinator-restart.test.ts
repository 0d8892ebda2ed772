import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { InboxEntry } from "../../src/simulator/phone/inbox.ts";
import { CONTRACT_B_QUEUE } from "../jobs/support/contract-b.ts";
import { serveFiles, type FileServer } from "../worker/support/file-server.ts";
import { jobEnqueuer, type JobEnqueuer } from "../worker/support/job-enqueuer.ts";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { history, placements, waitOnline, workerOfflineEvents } from "./support/cluster-checks.ts";

// The coordinator goes away and comes back; the workers, Redis and the simulator stay.
setDefaultTimeout(90_000);

let world: WorkerWorld;
let files: FileServer;
let producer: JobEnqueuer;
let queue: Queue;
const phones = new Map<string, string>();
const SESSIONS = ["k1", "k2", "k3"];

beforeAll(async () => {
  // The media host is on loopback.
  world = await WorkerWorld.start({ seed: "cluster-coordinator-restart", split: true, workers: 3, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s", "--allow-private-media-urls"] });
  files = serveFiles();
  producer = jobEnqueuer(world, "bullmq");
  queue = new Queue(CONTRACT_B_QUEUE, { connection: { path: world.redis.socket } });
  await waitOnline(world, ["w1", "w2", "w3"]);
  for (const id of SESSIONS) phones.set(id, (await world.link(id)).phone);
}, 120_000);
afterAll(async () => {
  await Promise.all([producer.close(), queue.close(), files.stop()]);
  await world.stop();
});

/** Ids of the incoming (not fromMe) messages the ledger holds for a session, from its messages.upsert events. */
const upsertedIds = (sessionId: string): string[] =>
  world.events<{ messages: { key: { id: string; fromMe: boolean } }[] }>(sessionId, "messages.upsert").flatMap((e) => e.messages.filter((m) => !m.key.fromMe).map((m) => m.key.id));

/** The text of a message a simulated phone received. */
const textOf = (e: InboxEntry): string | null | undefined => e.message.conversation ?? e.message.extendedTextMessage?.text;

/** Reports a worker holds in Redis for the coordinator. */
async function buffered(workerId: string): Promise<number> {
  const redis = await world.redisClient();
  const lanes = await redis.keys(`wag:outbox:coordinator:${workerId}:*`);
  return (await Promise.all(lanes.map((lane) => redis.llen(lane)))).reduce((a, b) => a + b, 0);
}

test("while the coordinator is down, routed jobs run, sessions stay up, new jobs wait and events are buffered; on its return all of it reconciles", async () => {
  const before = await placements(world);
  const historyBefore = (await history(world)).length;
  const erin = world.sim.control.createAccount({ name: "Erin" });
  const online = () => SESSIONS.filter((id) => world.sim.control.getAccount(phones.get(id)!).devices.some((d) => d.id !== 0 && d.online)).length;

  // A job routed to k1's worker, caught mid-run: its media download hangs until the test lets it go.
  let release!: () => void;
  const url = files.add("/slow.jpg", new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg", new Promise<void>((r) => (release = r)));
  const routed = await world.api<{ jobId: string }>("POST", "/api/v1/sessions/k1/messages/media", { to: erin.jid, type: "image", media: url, caption: "routed before the outage" });
  expect(routed.status).toBe(202);
  await world.until("k1's worker downloading the media", () => (files.requests.includes("/slow.jpg") ? true : undefined));

  await world.stopCoordinator();

  // The routed job finishes on its worker with no coordinator.
  release();
  const image = await world.sim.control.waitForInbox(erin.phone, (e) => e.message.imageMessage?.caption === "routed before the outage", 15_000);
  // Jobs straight into whatsapp-jobs wait: nobody routes them.
  const queued = await Promise.all(SESSIONS.map((sessionId) => producer.add("SEND_TEXT", { sessionId, to: erin.jid, text: `queued for ${sessionId}` })));
  // Contacts write in; each worker keeps the reports (messages.upsert and message_received) for later.
  const incoming = new Map<string, string>();
  for (const id of SESSIONS) incoming.set(id, (await world.sim.control.sendText(erin.phone, phones.get(id)!, `to ${id} during the outage`)).id);
  await world.until("each worker buffering two reports", async () => ((await Promise.all(["w1", "w2", "w3"].map(buffered))).every((n) => n >= 2) ? true : undefined));
  for (const id of queued) expect(await queue.getJobState(id)).toBe("waiting");
  expect(world.sim.control.inbox(erin.phone).filter((e) => textOf(e)?.startsWith("queued for"))).toEqual([]);
  expect(online()).toBe(SESSIONS.length);

  await world.startCoordinator();

  // The queued jobs are routed and run; the one that ran during the outage ends with that run's result, not a second send.
  for (const [i, id] of queued.entries()) {
    const job = await world.waitJob(id, 30_000);
    expect(job.state).toBe("completed");
    await world.sim.control.waitForInbox(erin.phone, (e) => e.id === (job.result as { messageId: string }).messageId && textOf(e) === `queued for ${SESSIONS[i]}`, 10_000);
  }
  // (The router held it when the coordinator stopped: it is picked up again once its lock expires, ~15-20 s.)
  const media = await world.waitJob(routed.body.data.jobId, 45_000);
  expect(media).toMatchObject({ state: "completed", result: { messageId: image.id } });
  expect(world.sim.control.inbox(erin.phone).filter((e) => e.message.imageMessage)).toHaveLength(1);
  // What the workers buffered reaches the ledger.
  for (const id of SESSIONS) await world.until(`${id}'s outage message in the ledger`, () => (upsertedIds(id).includes(incoming.get(id)!) ? true : undefined));
  for (const w of ["w1", "w2", "w3"]) expect(await buffered(w)).toBe(0);

  // Nothing moved, nobody logged in twice, no worker was taken for dead.
  expect(await placements(world)).toEqual(before);
  expect((await history(world)).length).toBe(historyBefore);
  expect(online()).toBe(SESSIONS.length);
  for (const id of SESSIONS) expect((await world.session(id)).status).toBe("connected");
  expect(world.sim.control.stats().replacedLogins).toBe(0);
  expect(workerOfflineEvents(world)).toBe(0);
});
