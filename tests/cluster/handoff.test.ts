import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { accountFor, history, linkedDevices, ownerOf, placements, sendMany, waitConnectedWherePlaced, waitOnline } from "./support/cluster-checks.ts";

// SIGTERM on a worker hands its sessions over: one coordinator, three workers, one Redis, the simulator.
setDefaultTimeout(90_000);

let world: WorkerWorld;
const phones = new Map<string, string>();
const SESSIONS = ["h1", "h2", "h3", "h4", "h5", "h6"];

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-handoff", split: true, workers: 3, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s"] });
  await waitOnline(world, ["w1", "w2", "w3"]);
  for (const id of SESSIONS) phones.set(id, (await world.link(id)).phone);
}, 120_000);
afterAll(() => world.stop());

test("SIGTERM mid-traffic drains the worker: its sessions connect elsewhere without a QR, and every job completes or is reported failed", async () => {
  const before = await placements(world);
  const victim = before.workers.find((w) => w.workerId === "w2")!.sessions;
  expect(victim.length).toBe(2);
  const carol = world.sim.control.createAccount({ name: "Carol" });
  const acked = world.sim.control.stats().clientMessagesAcked;
  const traffic = sendMany(world, SESSIONS, carol.jid, 10, 30);
  // Mid-traffic: sends are going out when the signal lands.
  await world.until("the first sends", () => (world.sim.control.stats().clientMessagesAcked >= acked + SESSIONS.length ? true : undefined));
  const stoppedAt = Date.now();
  expect(await world.killWorker(1, "SIGTERM")).toBe(0);
  const exitedAt = Date.now();
  const jobs = await traffic;

  const after = await waitConnectedWherePlaced(world, SESSIONS, 30_000);
  expect(after.workers.find((w) => w.workerId === "w2")?.sessions ?? []).toEqual([]);
  for (const id of victim) expect(["w1", "w3"]).toContain(ownerOf(after, id)!);
  // The others stayed where they were.
  for (const id of SESSIONS.filter((s) => !victim.includes(s))) expect(ownerOf(after, id)).toBe(ownerOf(before, id)!);

  // Each of w2's sessions was moved off it by the drain, once, while w2 was still stopping (it said
  // MAINTENANCE before closing its sockets), not failed over after its leases lapsed.
  for (const id of victim) {
    const moves = (await history(world, id)).filter((h) => Date.parse(h.at) >= stoppedAt);
    expect(moves.map((h) => ({ from: h.from, reason: h.reason }))).toEqual([{ from: "w2", reason: "drain" }]);
    expect(moves[0]!.to).toBe(ownerOf(after, id)!);
    expect(Date.parse(moves[0]!.at)).toBeLessThanOrEqual(exitedAt);
  }

  // None missing: every job completed or failed, and every completed send reached Carol's phone.
  const { completed, failed } = await accountFor(world, jobs, carol.phone);
  expect(completed + failed).toBe(SESSIONS.length * 10);
  expect(completed).toBeGreaterThan(jobs.length / 2);

  // No QR: the same linked device logged in again from the shared auth state, and never twice at once.
  for (const id of victim) expect(linkedDevices(world, phones.get(id)!)).toBe(1);
  expect(world.sim.control.pendingPairings()).toEqual([]);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
  expect(world.sim.control.overlaps()).toEqual([]);
});
