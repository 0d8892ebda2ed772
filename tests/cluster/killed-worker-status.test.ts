import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { ownerOf, placements } from "./support/cluster-checks.ts";

// One coordinator, two workers, one Redis, the simulator: real processes throughout.
setDefaultTimeout(120_000);

// A lease long enough that its lapse (at least two thirds of it after the kill) cannot pass for "at once",
// and a heartbeat timeout that cannot fire first: only the worker's vanished Redis connection can tell in time.
const LEASE_TTL_MS = 9_000;
let world: WorkerWorld;

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "killed-worker-status", split: true, workers: 2, args: [`--lease-ttl=${LEASE_TTL_MS}ms`, "--heartbeat-timeout=60s"] });
  await world.until("two workers", async () => ((await world.workersView()).filter((w) => w.status === "ONLINE").length === 2 ? true : undefined));
  await world.link("s1");
}, 120_000);
afterAll(() => world.stop());

test("a SIGKILLed worker's sessions read reconnecting at once, not connected until their leases lapse, until the new owner reports", async () => {
  const victim = ownerOf(await placements(world), "s1")!;
  const survivor = world.workerIds.find((id) => id !== victim)!;
  const killedAt = Date.now();
  await world.killWorker(world.workerIds.indexOf(victim), "SIGKILL");

  const samples: { at: number; status: unknown; workerId: unknown }[] = [];
  await world.until(
    "s1 connected on the surviving worker",
    async () => {
      const s = await world.session("s1");
      samples.push({ at: Date.now() - killedAt, status: s.status, workerId: s.workerId });
      return s.status === "connected" && s.workerId === survivor ? true : undefined;
    },
    60_000,
  );
  const down = samples.find((s) => s.status !== "connected");
  expect(down?.status).toBe("reconnecting");
  // The lease alone would have kept it "connected" for at least two thirds of its TTL.
  expect(down!.at).toBeLessThan(LEASE_TTL_MS / 3);
  // Once down, it reads connected again only from its new owner.
  const after = samples.slice(samples.indexOf(down!));
  expect(after.filter((s) => s.status === "connected" && s.workerId !== survivor)).toEqual([]);
  console.log(`s1 read ${String(down!.status)} ${down!.at} ms after the SIGKILL; connected on ${survivor} after ${samples.at(-1)!.at} ms`);
  expect(world.sim.control.stats().replacedLogins).toBe(0);
});
