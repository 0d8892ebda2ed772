import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { ErrorCode } from "../../src/contracts/worker-api/error-codes.ts";
import { API_KEY, WorkerWorld } from "../worker/support/worker-world.ts";
import { history, linkedDevices, loads, ownerOf, placements, waitCommandsTaken, waitConnectedWherePlaced, waitOnline, watchDowntime } from "./support/cluster-checks.ts";

// The operator's placement API against real processes: one coordinator, three workers, one Redis, the simulator.
setDefaultTimeout(60_000);

let world: WorkerWorld;
const phones = new Map<string, string>();
const SESSIONS = ["o1", "o2", "o3", "o4", "o5", "o6"];

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-operator", split: true, workers: 3, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s"] });
  await waitOnline(world, ["w1", "w2", "w3"]);
  for (const id of SESSIONS) phones.set(id, (await world.link(id)).phone);
}, 120_000);
afterAll(() => world.stop());

/** Every linked number still has its one device, no pairing waits, and no login ever found another live. */
function noQrNoOverlap(): void {
  for (const phone of phones.values()) expect(linkedDevices(world, phone)).toBe(1);
  expect(world.sim.control.pendingPairings()).toEqual([]);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
}

test("GET /api/v1/placements lists every worker with the sessions placed on it, as the workers report them", async () => {
  const map = await placements(world);
  expect(map.pending).toEqual([]);
  expect(map.workers.map((w) => ({ workerId: w.workerId, status: w.status, maxSessions: w.maxSessions }))).toEqual(
    ["w1", "w2", "w3"].map((workerId) => ({ workerId, status: "ONLINE", maxSessions: 50 })),
  );
  expect(map.workers.flatMap((w) => w.sessions).sort()).toEqual(SESSIONS);
  for (const w of map.workers) expect(w.sessions).toEqual([...w.sessions].sort());
  // The placement is what runs: each session is reported by the worker it is placed on.
  expect(world.sessionsByWorker()).toEqual(Object.fromEntries(map.workers.map((w) => [w.workerId, w.sessions])));
  const unauthorized = await fetch(`${world.baseUrl}/api/v1/placements`);
  expect(unauthorized.status).toBe(401);
});

/** Moves a session through the API and checks it ends up connected on `expected`, moved by `move`, down only briefly. */
async function moveAndCheck(sessionId: string, body: { workerId?: string }, expected?: string): Promise<string> {
  const from = ownerOf(await placements(world), sessionId)!;
  const down = watchDowntime(world, phones.get(sessionId)!);
  const reply = await world.api<{ sessionId: string; from: string; to: string }>("POST", `/api/v1/sessions/${sessionId}/move`, body);
  expect(reply.status).toBe(202);
  const to = reply.body.data.to;
  expect(reply.body.data).toEqual({ sessionId, from, to });
  if (expected) expect(to).toBe(expected);
  expect(to).not.toBe(from);
  const map = await waitConnectedWherePlaced(world, [sessionId]);
  const longestDown = down.stop();
  expect(ownerOf(map, sessionId)).toBe(to);
  expect((await history(world, sessionId))[0]).toMatchObject({ from, to, reason: "move" });
  // The old worker closes and lets go, the new one takes over from the shared auth state: a second at most.
  expect(longestDown).toBeLessThan(1_500);
  return to;
}

/** Waits until the rebalancer has the sessions spread evenly over the workers again. */
const even = (spread: Record<string, number>) =>
  world.until(`placements ${JSON.stringify(spread)}`, async () => {
    const map = await placements(world);
    return JSON.stringify(loads(map)) === JSON.stringify(spread) ? map : undefined;
  });

test("POST /sessions/:id/move to a named worker, and to the least loaded other one, without a QR and down well under a few seconds", async () => {
  const map = await even({ w1: 2, w2: 2, w3: 2 });
  const session = map.workers.find((w) => w.workerId === "w1")!.sessions[0]!;
  const since = Date.now();
  await moveAndCheck(session, { workerId: "w3" }, "w3");
  // That left w3 with one too many: the rebalancer evens it out with another session, not the one the operator placed.
  const after = await even({ w1: 2, w2: 2, w3: 2 });
  expect(ownerOf(after, session)).toBe("w3");
  const rebalanced = (await history(world)).filter((h) => Date.parse(h.at) >= since && h.reason === "rebalance");
  expect(rebalanced.map((h) => [h.from, h.to])).toEqual([["w3", "w1"]]);
  expect(rebalanced[0]!.sessionId).not.toBe(session);

  // Without a target: the least loaded worker other than its own (w1 by id, among equals).
  const other = after.workers.find((w) => w.workerId === "w3")!.sessions.find((s) => s !== session)!;
  await moveAndCheck(other, {}, "w1");
  await even({ w1: 2, w2: 2, w3: 2 });
  await waitConnectedWherePlaced(world, SESSIONS);
  noQrNoOverlap();
});

test("move answers in contract A's error format: 409 for a session that runs nowhere, 4xx naming the problem for bad input", async () => {
  const since = Date.now();
  const expectError = async (path: string, body: unknown, status: number, code: ErrorCode, mentions: string) => {
    const reply = await world.api("POST", path, body);
    expect({ status: reply.status, success: reply.body.success, code: reply.body.code }).toEqual({ status, success: false, code });
    expect(reply.body.error).toContain(mentions);
  };
  // A stopped session runs nowhere.
  expect((await world.job("/api/v1/sessions/o6/stop", {})).state).toBe("completed");
  await expectError("/api/v1/sessions/o6/move", {}, 409, "SESSION_NOT_PLACED", "o6");
  // A worker id that is not one, and one no worker has.
  await expectError("/api/v1/sessions/o1/move", { workerId: "not a worker id" }, 400, "VALIDATION_ERROR", "workerId");
  await expectError("/api/v1/sessions/o1/move", { workerId: "w9" }, 404, "WORKER_NOT_FOUND", "w9");
  await expectError("/api/v1/sessions/o1/move", { workerId: 3 }, 400, "VALIDATION_ERROR", "workerId");
  const bad = await fetch(`${world.baseUrl}/api/v1/sessions/o1/move`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" }, body: "{" });
  expect({ status: bad.status, body: await bad.json() }).toMatchObject({ status: 400, body: { success: false, code: "INVALID_JSON" } });
  // Nothing moved.
  expect((await history(world, "o1")).filter((h) => Date.parse(h.at) >= since)).toEqual([]);
});

test("drain moves a worker's sessions to the others and refuses it as a target; undrain makes it take sessions again", async () => {
  const before = await placements(world);
  const drained = before.workers.find((w) => w.workerId === "w2")!.sessions;
  expect(drained.length).toBeGreaterThan(0);
  const drainedAt = Date.now();
  const reply = await world.api<{ command: { type: string } }>("POST", "/api/v1/workers/w2/drain");
  expect(reply.status).toBe(202);
  expect(reply.body.data.command.type).toBe("DRAIN");
  expect((await world.workersView()).find((w) => w.workerId === "w2")?.status).toBe("MAINTENANCE");

  const after = await waitConnectedWherePlaced(world, drained);
  for (const id of drained) {
    expect(["w1", "w3"]).toContain(ownerOf(after, id)!);
    const [moved] = (await history(world, id)).filter((h) => Date.parse(h.at) >= drainedAt);
    expect(moved).toMatchObject({ from: "w2", reason: "drain" });
  }
  expect(after.workers.find((w) => w.workerId === "w2")?.sessions).toEqual([]);

  // A draining worker is no target.
  const move = await world.api("POST", `/api/v1/sessions/${drained[0]}/move`, { workerId: "w2" });
  expect(move.status).toBe(409);
  expect(move.body).toMatchObject({ success: false, code: "NO_CAPACITY" });
  expect(move.body.error).toContain("MAINTENANCE");

  // The worker took the DRAIN command (it acknowledges commands with its next heartbeat).
  await waitCommandsTaken(world, "w2");

  expect((await world.api("POST", "/api/v1/workers/w2/undrain")).status).toBe(202);
  await waitOnline(world, ["w1", "w2", "w3"]);
  // ONLINE and empty, it is the least loaded: a new session goes there and links at once, before
  // w2's next heartbeat brings the UNDRAIN command (the worker follows placements, not that command).
  const start = await world.api<{ jobId: string }>("POST", "/api/v1/sessions", { sessionId: "o7" });
  expect(await world.waitJob(start.body.data.jobId)).toMatchObject({ state: "completed", attemptsMade: 1, result: { status: "qr_required" } });
  await world.scan("o7", world.sim.control.createAccount({ name: "o7" }).phone);
  expect(ownerOf(await placements(world), "o7")).toBe("w2");
  expect((await world.session("o7")).workerId).toBe("w2");
  noQrNoOverlap();
});
