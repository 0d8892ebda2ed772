import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { history, placements, waitConnectedWherePlaced, waitOnline, workerOfflineEvents } from "./support/cluster-checks.ts";
import { slowLink, type SlowLink } from "./support/slow-link.ts";

// Heartbeats every 1 s (the world's default), OFFLINE after 5 s of silence; leases of 3 s.
setDefaultTimeout(60_000);
const HEARTBEAT_INTERVAL_MS = 1_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Each heartbeat arrives this late: with the interval after it, about 3.5 s between two, more than a lease lives. */
const DELAY_MS = 2_500;

let world: WorkerWorld;
let link: SlowLink;
const SESSIONS = ["b1", "b2", "b3", "b4", "b5", "b6"];

interface HeartbeatRow {
  timestamp: string;
  reportedAt: string | null;
}

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-slow-heartbeat", split: true, workers: 2, args: [`--heartbeat-timeout=${HEARTBEAT_TIMEOUT_MS / 1000}s`, "--lease-ttl=3s"] });
  // w3 talks to the coordinator through a link that can slow its heartbeats down.
  link = slowLink(() => world.baseUrl);
  await world.addWorker([`--backend-url=${link.url}`]);
  await waitOnline(world, ["w1", "w2", "w3"]);
  for (const id of SESSIONS) await world.link(id);
}, 120_000);
afterAll(async () => {
  await world.stop();
  await link.stop();
});

/** w3's heartbeats as the coordinator received them (`timestamp`) and as w3 sent them (`reportedAt`), since `from`. */
async function heartbeatsSince(from: number): Promise<{ received: number; sent: number }[]> {
  const rows = (await world.api<HeartbeatRow[]>("GET", `/api/v1/workers/w3/metrics?limit=1000&since=${new Date(from).toISOString()}`)).body.data;
  return rows.map((r) => ({ received: Date.parse(r.timestamp), sent: Date.parse(r.reportedAt ?? r.timestamp) }));
}

test("heartbeats arriving late, but within the timeout, move nothing: the worker stays ONLINE and keeps its sessions and jobs", async () => {
  const before = await placements(world);
  expect(before.workers.find((w) => w.workerId === "w3")?.sessions).toHaveLength(2);
  const onW3 = before.workers.find((w) => w.workerId === "w3")!.sessions;
  const historyBefore = (await history(world)).length;
  const statuses = new Set<string>();
  const watchStatus = async () => {
    const w3 = (await world.workersView()).find((w) => w.workerId === "w3");
    statuses.add(w3?.status ?? "missing");
  };

  const slowFrom = Date.now();
  link.heartbeatDelayMs = DELAY_MS;
  // A job for a session on w3 runs meanwhile: jobs and leases go through Redis, not the heartbeat.
  const carol = world.sim.control.createAccount({ name: "Carol" });
  const sent = await world.job(`/api/v1/sessions/${onW3[0]}/messages/text`, { to: carol.jid, text: "while the heartbeat crawls" });
  expect(sent.state).toBe("completed");
  const slow = await world.until(
    "two late heartbeats from w3",
    async () => {
      await watchStatus();
      const late = (await heartbeatsSince(slowFrom)).filter((h) => h.received - h.sent >= DELAY_MS - 100);
      return late.length >= 2 ? late : undefined;
    },
    30_000,
  );
  link.heartbeatDelayMs = 0;
  const fastFrom = Date.now();
  await world.until("a prompt heartbeat from w3 again", async () => {
    await watchStatus();
    return (await heartbeatsSince(fastFrom)).some((h) => h.received - h.sent < 500) ? true : undefined;
  });

  // The heartbeat was really late: the delay on top of its interval between two, longer than a lease lives, yet under the timeout.
  const gap = slow[1]!.received - slow[0]!.received;
  expect(gap).toBeGreaterThanOrEqual(DELAY_MS + HEARTBEAT_INTERVAL_MS - 50);
  expect(gap).toBeLessThan(HEARTBEAT_TIMEOUT_MS);
  // And nothing happened: w3 was ONLINE at every look, never taken for dead, and nothing moved.
  expect([...statuses]).toEqual(["ONLINE"]);
  expect(workerOfflineEvents(world)).toBe(0);
  expect((await history(world)).length).toBe(historyBefore);
  expect(await placements(world)).toEqual(before);
  await waitConnectedWherePlaced(world, SESSIONS);
  await world.sim.control.waitForInbox(carol.phone, (e) => e.id === (sent.result as { messageId: string }).messageId);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
});
