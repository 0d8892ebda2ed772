import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { accountFor, sendMany, watchDowntime } from "../cluster/support/cluster-checks.ts";
import { WorkerWorld } from "./support/worker-world.ts";

// Issue 22.1: a Redis outage longer than the lease, under traffic. The worker must fence itself (close its
// sockets before its leases can lapse), open exactly one socket per session once it owns the leases again,
// and lose no accepted text. (A text whose job completion could not reach the frozen Redis may still run
// twice: BullMQ retries it; that part of 22.1 is open.)
setDefaultTimeout(40_000);

const LEASE_TTL_MS = 3_000;
const SESSIONS = ["ro1", "ro2", "ro3"];
let world: WorkerWorld;
const phones = new Map<string, string>();

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "redis-outage", args: [`--lease-ttl=${LEASE_TTL_MS}ms`] });
  for (const id of SESSIONS) phones.set(id, (await world.link(id)).phone);
}, 60_000);
afterAll(() => world.stop());

const online = (phone: string): boolean => world.sim.control.getAccount(phone).devices.some((d) => d.id !== 0 && d.online);

test("Redis frozen past the lease: sockets close before the lease lapses, come back with one login each, and every accepted text arrives", async () => {
  const carol = world.sim.control.createAccount({ name: "Carol" });
  const downtime = watchDowntime(world, phones.get("ro1")!);
  const traffic = sendMany(world, SESSIONS, carol.jid, 12, 150);
  await Bun.sleep(500);
  const outage = world.redis.pause(LEASE_TTL_MS + 2_000);
  // The last renewal reached Redis at most a third of the lease before the freeze: by the time the lease
  // could lapse, every socket must be closed already.
  await Bun.sleep(LEASE_TTL_MS - 100);
  const openAtLapse = SESSIONS.filter((id) => online(phones.get(id)!));
  await outage;

  for (const id of SESSIONS) await world.waitStatus(id, "connected", 20_000);
  const jobs = await traffic;
  const { completed, failed } = await accountFor(world, jobs, carol.phone);
  expect(openAtLapse).toEqual([]);
  expect(downtime.stop()).toBeGreaterThan(0);
  expect({ completed, failed }).toEqual({ completed: jobs.length, failed: 0 });
  expect(world.sim.control.stats()).toMatchObject({ replacedLogins: 0, connections: SESSIONS.length });
  for (const id of SESSIONS) expect(online(phones.get(id)!)).toBe(true);
});
