import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { history, linkedDevices, ownerOf, placements, waitCommandsTaken, waitOnline } from "./support/cluster-checks.ts";

// Every worker full: START_SESSION waits as pending_capacity, then is placed once room frees up.
setDefaultTimeout(90_000);

let world: WorkerWorld;

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-capacity", split: true, workers: 3, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s"], workerArgs: () => ["--max-sessions=1"] });
  await waitOnline(world, ["w1", "w2", "w3"]);
  for (const id of ["c1", "c2", "c3"]) await world.link(id);
}, 120_000);
afterAll(() => world.stop());

/** Creates a session when every worker is full; checks it waits, QR-less, with its START job held; returns that job's id. */
async function startWithoutRoom(sessionId: string): Promise<string> {
  const reply = await world.api<{ jobId: string }>("POST", "/api/v1/sessions", { sessionId });
  expect(reply.status).toBe(202);
  await world.waitStatus(sessionId, "pending_capacity");
  // It still waits after every worker heartbeated again (each said it is full, none took it).
  const since = Date.now();
  await world.until("a heartbeat from every worker", async () => {
    const live = (await world.workersView()).filter((w) => w.registered);
    return live.every((w) => w.lastHeartbeat !== null && Date.parse(w.lastHeartbeat) > since) ? true : undefined;
  });
  expect((await placements(world)).pending).toEqual([sessionId]);
  expect(await world.session(sessionId)).toMatchObject({ status: "pending_capacity", workerId: null, hasQr: false });
  expect((await world.api("GET", `/api/v1/sessions/${sessionId}/qr`)).status).toBe(404);
  expect((await world.api("GET", `/api/v1/jobs/${reply.body.data.jobId}`)).body.data).toMatchObject({ name: "START_SESSION", state: "active" });
  expect((await history(world, sessionId)).map((h) => ({ to: h.to, reason: h.reason }))).toEqual([{ to: null, reason: "capacity" }]);
  return reply.body.data.jobId;
}

/** The waiting session got a worker, shows a QR and links once scanned; its START job completes. */
async function placedAndLinked(sessionId: string, jobId: string, expectedWorker: string): Promise<void> {
  const map = await world.until(`${sessionId} placed`, async () => {
    const m = await placements(world);
    return m.pending.length === 0 ? m : undefined;
  });
  expect(ownerOf(map, sessionId)).toBe(expectedWorker);
  const [placed] = await history(world, sessionId);
  expect(placed).toMatchObject({ from: null, to: expectedWorker, reason: "capacity" });
  await world.scan(sessionId, world.sim.control.createAccount({ name: sessionId }).phone);
  expect((await world.session(sessionId)).workerId).toBe(expectedWorker);
  expect((await world.waitJob(jobId)).state).toBe("completed");
}

test("a session started when every worker is full waits as pending_capacity, and is placed when another one stops", async () => {
  const map = await placements(world);
  expect(map.workers.map((w) => [w.maxSessions, w.sessions.length])).toEqual([[1, 1], [1, 1], [1, 1]]);
  const jobId = await startWithoutRoom("c4");

  const freed = ownerOf(map, "c1")!;
  expect((await world.job("/api/v1/sessions/c1/stop", {})).state).toBe("completed");
  await placedAndLinked("c4", jobId, freed);
  expect((await world.session("c1")).status).toBe("stopped");
  expect(world.sim.control.stats().replacedLogins).toBe(0);
});

test("a session waiting for room is placed on a worker that joins", async () => {
  const jobId = await startWithoutRoom("c5");
  const added = await world.addWorker();
  await placedAndLinked("c5", jobId, added.id);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
});

test("a drained worker keeps what fits nowhere else, and hands it over once a worker with room joins", async () => {
  const map = await placements(world);
  const drained = ownerOf(map, "c2")!;
  const phone = String((await world.session("c2")).phoneNumber);
  expect((await world.api("POST", `/api/v1/workers/${drained}/drain`)).status).toBe(202);
  // The worker has the DRAIN command (it acknowledges it with its next heartbeat), and still runs c2: no room elsewhere.
  await waitCommandsTaken(world, drained);
  expect(ownerOf(await placements(world), "c2")).toBe(drained);
  expect(await world.session("c2")).toMatchObject({ status: "connected", workerId: drained });

  const added = await world.addWorker();
  await world.until("c2 connected on the new worker", async () => {
    const s = await world.session("c2");
    return s.status === "connected" && s.workerId === added.id ? true : undefined;
  }, 20_000);
  expect(ownerOf(await placements(world), "c2")).toBe(added.id);
  expect((await history(world, "c2"))[0]).toMatchObject({ from: drained, to: added.id, reason: "drain" });
  expect(linkedDevices(world, phone)).toBe(1);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
});
