import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { history, linkedDevices, loads, ownerOf, placements, waitConnectedWherePlaced, waitOnline, type Placements } from "./support/cluster-checks.ts";

// A worker that joins gets sessions, gradually and idle-first: one coordinator, two workers then three.
setDefaultTimeout(90_000);

/** One move every 2 s: slow enough to see the rate, fast enough for a test. */
const PER_MINUTE = 30;

let world: WorkerWorld;
const phones = new Map<string, string>();
const SESSIONS = ["r1", "r2", "r3", "r4", "r5", "r6"];

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-rebalance", split: true, workers: 2, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s", `--rebalance-rate=${PER_MINUTE}`] });
  await waitOnline(world, ["w1", "w2"]);
  for (const id of SESSIONS) phones.set(id, (await world.link(id)).phone);
}, 120_000);
afterAll(() => world.stop());

test("a worker added later receives sessions, idlest first, at the set rate, and then nothing moves back and forth", async () => {
  const before = await placements(world);
  expect(loads(before)).toEqual({ w1: 3, w2: 3 });
  // The oldest sessions on each worker are the busiest now: a contact writes to them and they answer.
  const busy = ["r1", "r2"];
  expect(busy.map((id) => ownerOf(before, id)).sort()).toEqual(["w1", "w2"]);
  const dave = world.sim.control.createAccount({ name: "Dave" });
  for (const id of busy) {
    await world.sim.control.sendText(dave.phone, phones.get(id)!, `hi ${id}`);
    const sent = await world.job(`/api/v1/sessions/${id}/messages/text`, { to: dave.jid, text: `hello from ${id}` });
    expect(sent.state).toBe("completed");
  }

  const joinedAt = Date.now();
  await world.addWorker();
  const settled = await world.until(
    "two sessions moved to w3",
    async () => {
      const map = await placements(world);
      return loads(map).w3 === 2 ? map : undefined;
    },
    30_000,
  );
  expect(loads(settled)).toEqual({ w1: 2, w2: 2, w3: 2 });
  await waitConnectedWherePlaced(world, SESSIONS, 15_000);

  const moves = (await history(world)).filter((h) => Date.parse(h.at) >= joinedAt).reverse();
  expect(moves.map((h) => ({ to: h.to, reason: h.reason }))).toEqual([
    { to: "w3", reason: "rebalance" },
    { to: "w3", reason: "rebalance" },
  ]);
  // One from each of the old workers, the idlest there, not the busy ones.
  expect(moves.map((h) => h.from).sort()).toEqual(["w1", "w2"]);
  for (const m of moves) expect(busy).not.toContain(m.sessionId);
  // At the rate asked for: the second move waited for its token.
  expect(Date.parse(moves[1]!.at) - Date.parse(moves[0]!.at)).toBeGreaterThanOrEqual(60_000 / PER_MINUTE - 100);

  // Moved without a QR and without two live connections.
  for (const m of moves) expect(linkedDevices(world, phones.get(m.sessionId)!)).toBe(1);
  expect(world.sim.control.pendingPairings()).toEqual([]);
  expect(world.sim.control.stats().replacedLogins).toBe(0);

  // Even now: nothing moves for a few more tokens' worth of time.
  const count = (await history(world)).length;
  await Bun.sleep(3 * (60_000 / PER_MINUTE));
  expect((await history(world)).length).toBe(count);
  const still: Placements = await placements(world);
  expect(still.workers.map((w) => w.sessions)).toEqual(settled.workers.map((w) => w.sessions));
});
