import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-logout" });
});
afterAll(() => world.stop());

test("a logout from the phone reports logged_out, erases the auth in Redis, and the session is not resumed after a restart", async () => {
  const biz = await world.link("gone");
  expect(await world.authKeys("gone")).toContain("wag:auth:{gone}:creds");

  world.sim.control.logoutDevice(biz.phone, world.linkedDevice(biz.phone));
  const session = await world.waitStatus("gone", "logged_out");
  expect(session.lastError).toBeString();
  await world.until("the auth to be erased", async () => ((await world.authKeys("gone")).length === 0 ? true : undefined));

  // contract B: the integrator sees the connection close with loggedOut (401), then the precise status reports.
  const events = await world.until("the lifecycle event after the close", () => {
    const all = world.ledger("gone");
    return all.at(-1)?.event === "session_disconnected" ? all : undefined;
  });
  const close = events.filter((e) => e.event === "connection.update" && e.data.connection === "close");
  expect(close.at(-1)!.data).toMatchObject({ status: "logged_out", lastDisconnect: { reason: "logged_out", statusCode: 401 } });
  const statuses = events.filter((e) => e.source === "session-status").map((e) => e.data.status);
  expect(statuses.at(-1)).toBe("logged_out");
  expect(events.some((e) => e.event === "session_disconnected" && e.data.status === "logged_out")).toBe(true);
  // It does not try to log in again with creds that no longer work.
  expect(world.logged("reconnecting after a backoff")).toEqual([]);

  const before = world.ledger("gone").length;
  await world.restart();
  // The restarted worker registered (and heartbeated) before anything could be missed.
  expect(await (await world.redisClient()).smembers("wag:worker:{worker-test}:sessions")).not.toContain("gone");
  await world.until("the restarted worker to register", () => (world.logged("registered with the coordinator").length > 0 ? true : undefined));
  await Bun.sleep(1500);
  expect(world.ledger("gone").slice(before).map((e) => e.event)).toEqual([]);
  expect((await world.session("gone")).status).toBe("logged_out");
  expect(await world.authKeys("gone")).toEqual([]);
  expect(world.sim.control.pendingPairings()).toEqual([]);
});

test("DELETE of a connected session logs the device out in the simulator and erases its auth", async () => {
  const biz = await world.link("temp");
  const reply = await world.api<{ jobId: string }>("DELETE", "/api/v1/sessions/temp");
  expect(reply.status).toBe(202);
  const job = await world.waitJob(reply.body.data.jobId);
  expect(job.state).toBe("completed");
  // At the first attempt: the erase must not bounce off a lease the runner already let go.
  expect(job.attemptsMade).toBe(1);
  expect((await world.api("GET", "/api/v1/sessions/temp")).status).toBe(404);
  expect(await world.authKeys("temp")).toEqual([]);
  expect(world.sim.control.getAccount(biz.phone).devices.filter((d) => d.id !== 0)).toEqual([]);
});
