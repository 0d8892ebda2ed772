import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { workerOfflineEvents } from "./support/cluster-checks.ts";

// What the cluster tests stand on: a coordinator and several worker processes that can be frozen,
// added and killed one by one. Four gateways on two busy cores take a while to start.
setDefaultTimeout(30_000);

let world: WorkerWorld;
beforeAll(async () => {
  // Heartbeats every 1 s; a 4 s timeout leaves the 1.5 s freeze below room for a busy CI's latency.
  world = await WorkerWorld.start({ seed: "cluster-harness", split: true, workers: 3, args: ["--heartbeat-timeout=4s"] });
}, 60_000);
afterAll(() => world.stop());

const statusOf = async (): Promise<Record<string, string>> =>
  Object.fromEntries((await world.workersView()).map((w) => [w.workerId, w.status]));

const waitOnline = (ids: string[]): Promise<true> =>
  world.until(`${ids.join(", ")} ONLINE`, async () => {
    const status = await statusOf();
    return ids.every((id) => status[id] === "ONLINE") ? true : undefined;
  });

test("three workers, each with its own id and endpoint, register ONLINE", async () => {
  expect(world.workerIds).toEqual(["w1", "w2", "w3"]);
  expect(world.workerProcess).toBe(world.workerProcesses[0]!);
  await waitOnline(["w1", "w2", "w3"]);
  const workers = await world.workersView();
  expect(new Set(workers.map((w) => w.endpoint)).size).toBe(3);
  expect(world.sessionsByWorker()).toEqual({});
});

test("a linked session shows up under the worker that runs it, and the simulator saw one login for it", async () => {
  await world.link("harness-1");
  const byWorker = world.sessionsByWorker();
  expect(Object.values(byWorker)).toEqual([["harness-1"]]);
  expect(world.workerIds).toContain(Object.keys(byWorker)[0]!);
  expect(world.sim.control.stats()).toMatchObject({ connections: 1, replacedLogins: 0 });
});

test("a worker frozen for less than the heartbeat timeout stays ONLINE", async () => {
  const before = Date.now();
  await world.pauseWorker(1, 1_500);
  expect(Date.now() - before).toBeGreaterThanOrEqual(1_500);
  // Its heartbeat resumes: the coordinator hears from it again, and never marked it OFFLINE.
  await world.until("a heartbeat from w2 after the pause", async () => {
    const w2 = (await world.workersView()).find((w) => w.workerId === "w2");
    return w2?.lastHeartbeat && Date.parse(w2.lastHeartbeat) > before + 1_500 ? true : undefined;
  });
  expect((await statusOf()).w2).toBe("ONLINE");
  expect(workerOfflineEvents(world)).toBe(0);
});

test("a worker added later registers, and a SIGKILLed one exits at once", async () => {
  const added = await world.addWorker();
  expect(added).toEqual({ index: 3, id: "w4" });
  await waitOnline(["w1", "w2", "w3", "w4"]);
  const status = await world.killWorker(0, "SIGKILL");
  expect(world.workerProcesses[0]?.proc.signalCode).toBe("SIGKILL");
  expect(status).not.toBe(0);
  await waitOnline(["w2", "w3", "w4"]);
});

test("a killed worker restarts as the same worker, on the same endpoint", async () => {
  const endpoint = (await world.workersView()).find((w) => w.workerId === "w1")?.endpoint;
  const registrations = () => world.logged("worker registered", world.gateway).filter((l) => l.workerId === "w1");
  expect(registrations()).toHaveLength(1);
  const restarted = await world.restartWorker(0);
  expect(world.workerProcesses[0]).toBe(restarted);
  await world.until("w1 to register again", () => (registrations().length === 2 ? true : undefined));
  expect(registrations()[1]).toMatchObject({ restart: true });
  await waitOnline(["w1", "w2", "w3", "w4"]);
  expect((await world.workersView()).find((w) => w.workerId === "w1")?.endpoint).toBe(endpoint!);
  expect(world.logged("wa-gateway started", restarted)).toHaveLength(1);
});
