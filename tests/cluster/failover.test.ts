import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { accountFor, linkedDevices, ownerOf, placements, sendMany } from "./support/cluster-checks.ts";

// One coordinator, three workers, one Redis, the simulator: real processes throughout.
setDefaultTimeout(90_000);

let world: WorkerWorld;
const phones = new Map<string, string>();
const SESSIONS = ["s1", "s2", "s3", "s4", "s5", "s6"];

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-failover", split: true, workers: 3, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s"] });
  await world.until("three workers", async () => ((await world.workersView()).filter((w) => w.status === "ONLINE").length === 3 ? true : undefined));
  for (const id of SESSIONS) phones.set(id, (await world.link(id)).phone);
}, 120_000);
afterAll(() => world.stop());

test("sessions spread across the workers, least loaded first", async () => {
  const map = await placements(world);
  expect(map.workers.map((w) => w.sessions.length).sort()).toEqual([2, 2, 2]);
  expect(map.pending).toEqual([]);
  expect(world.sim.control.stats()).toMatchObject({ connections: 6, replacedLogins: 0 });
});

test("a worker frozen for less than the lease moves nothing: no failover, no second connection", async () => {
  const before = await placements(world);
  await world.pauseWorker(0, 1_200);
  await Bun.sleep(3_000);
  expect(await placements(world)).toEqual(before);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
  for (const id of SESSIONS) expect((await world.session(id)).status).toBe("connected");
});

test("SIGKILL mid-traffic: the dead worker's sessions reconnect elsewhere without a QR, and every job completes or is reported failed", async () => {
  const before = await placements(world);
  const victim = before.workers.find((w) => w.workerId === "w1")!;
  expect(victim.sessions.length).toBeGreaterThan(0);
  const carol = world.sim.control.createAccount({ name: "Carol" });
  const traffic = sendMany(world, SESSIONS, carol.jid, 10, 30);
  await Bun.sleep(200);
  await world.killWorker(0, "SIGKILL");
  const jobs = await traffic;

  const after = await world.until("w1's sessions placed and connected elsewhere", async () => {
    const map = await placements(world);
    if (map.workers.find((w) => w.workerId === "w1")?.sessions.length) return undefined;
    for (const id of victim.sessions) if ((await world.session(id)).status !== "connected") return undefined;
    return map;
  }, 30_000);
  for (const id of victim.sessions) expect(["w2", "w3"]).toContain(ownerOf(after, id)!);

  // Every job reached an end, and every completed send reached the phone.
  const { completed, failed } = await accountFor(world, jobs, carol.phone);
  expect(completed + failed).toBe(SESSIONS.length * 10);
  expect(completed).toBeGreaterThan(jobs.length / 2);
  // No QR anywhere: the same linked device logged in again from the shared auth state.
  for (const id of victim.sessions) expect(linkedDevices(world, phones.get(id)!)).toBe(1);
  expect(world.sim.control.pendingPairings()).toEqual([]);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
});
