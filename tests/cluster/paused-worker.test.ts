import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";
import { ownerOf, placements } from "./support/cluster-checks.ts";

/*
 * Issue 22.2: a worker frozen (SIGSTOP) past its lease loses its sessions to another worker while its own
 * sockets stay open (a frozen process cannot close them). When it runs again (SIGCONT) it must close them
 * at once, without a reconnect attempt and without fighting the new owner.
 */
setDefaultTimeout(120_000);

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "cluster-paused", split: true, workers: 2, args: ["--heartbeat-timeout=4s", "--lease-ttl=3s", "--reconnect-base-delay=200ms"] });
  await world.until("two workers", async () => ((await world.workersView()).filter((w) => w.status === "ONLINE").length === 2 ? true : undefined));
  await world.link("p1");
}, 120_000);
afterAll(() => world.stop());

test("a worker paused past its lease closes the session's socket on SIGCONT, does not reconnect it, and does not fight", async () => {
  const before = await placements(world);
  const from = ownerOf(before, "p1")!;
  const index = from === "w1" ? 0 : 1;
  const paused = world.workerProcesses[index]!;
  const other = from === "w1" ? "w2" : "w1";

  paused.signal("SIGSTOP");
  let resumedAt = 0;
  try {
    await world.until("p1 connected on the other worker", async () => {
      const map = await placements(world);
      return ownerOf(map, "p1") === other && (await world.session("p1")).status === "connected" ? true : undefined;
    }, 40_000);
  } finally {
    paused.signal("SIGCONT");
    resumedAt = Date.now();
  }
  // The new owner logged in while the frozen socket was still open: the one overlap a pause cannot avoid.
  const overlapsAtResume = world.sim.control.stats().replacedLogins;
  expect(overlapsAtResume).toBeLessThanOrEqual(1);

  // On SIGCONT the paused worker closes its socket at once: the server's conflict (sent when the new owner
  // logged in) reaches it, or it finds its lease gone, whichever comes first.
  const closing = new Set(["connection errored", "lost the session's ownership lease; closing it here without a word"]);
  const closed = await world.until("the paused worker to drop p1", () => {
    const line = paused.logs.find((l) => l.sessionId === "p1" && closing.has(String(l.msg)) && Date.parse(String(l.time)) >= resumedAt - 1000);
    return line ? Date.now() : undefined;
  }, 10_000);
  expect(closed - resumedAt).toBeLessThan(5_000);

  // Then nothing: no reconnect attempt from it, no second login over the new owner, p1 stays where it moved.
  await Bun.sleep(4_000);
  expect(world.logged("reconnecting after a backoff", paused).filter((l) => l.sessionId === "p1" && Date.parse(String(l.time)) >= resumedAt)).toEqual([]);
  expect(world.sim.control.stats().replacedLogins).toBe(overlapsAtResume);
  expect(ownerOf(await placements(world), "p1")).toBe(other);
  expect((await world.session("p1")).status).toBe("connected");
  const carol = world.sim.control.createAccount({ name: "Carol" });
  expect((await world.job("/api/v1/sessions/p1/messages/text", { to: carol.jid, text: "after the pause" })).state).toBe("completed");
});
