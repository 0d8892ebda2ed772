import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

// A gateway restarted with another AUTH_STATE_KEY: the session says why it cannot start, DELETE and a new
// link work, and a rotation (the old key as AUTH_STATE_KEY_PREVIOUS) keeps the session without a new QR.
setDefaultTimeout(120_000);

const OTHER_KEY = "22".repeat(32);
const ROTATED_KEY = "33".repeat(32);
let world: WorkerWorld;

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-auth-key-change" });
});
afterAll(() => world.stop());

test("under a changed key the session reads auth_unreadable naming the key; DELETE erases the auth, and a new START shows a QR that links", async () => {
  const biz = await world.link("locked");
  world.setEnv({ AUTH_STATE_KEY: OTHER_KEY });
  await world.restart();

  // The restarted worker resumes it, and cannot read its auth.
  const session = await world.waitStatus("locked", "auth_unreadable", 30_000);
  expect(String(session.lastError)).toStartWith("auth_unreadable:");
  expect(String(session.lastError)).toContain("AUTH_STATE_KEY");
  // A START says the same, at once, instead of failing with a crypto error.
  const start = await world.job("/api/v1/sessions", { sessionId: "locked" });
  expect(start).toMatchObject({ state: "completed", result: { status: "auth_unreadable" } });

  const reply = await world.api<{ jobId: string }>("DELETE", "/api/v1/sessions/locked");
  const deleted = await world.waitJob(reply.body.data.jobId);
  const result = deleted.result as { status: string; warning?: string };
  expect([deleted.state, result.status]).toEqual(["completed", "deleted"]);
  expect(result.warning).toContain("not logged out");
  expect(await world.authKeys("locked")).toEqual([]);
  await world.until("the warning in the log", () => world.logged(`deleting the session: ${result.warning}`).find((l) => l.sessionId === "locked"));
  // Without readable creds the device could not be unlinked: it stays on the phone until removed there.
  expect(world.sim.control.getAccount(biz.phone).devices.filter((d) => d.id !== 0)).toHaveLength(1);

  const relinked = await world.link("locked", "Relinked");
  expect((await world.session("locked")).phoneNumber).toBe(relinked.phone.replace(/^\+/, ""));
});

test("a rotation: with the old key as AUTH_STATE_KEY_PREVIOUS the session resumes without a QR, re-sealed, and the old key can then be dropped", async () => {
  const biz = await world.link("rotated");
  const device = world.linkedDevice(biz.phone);
  world.setEnv({ AUTH_STATE_KEY: ROTATED_KEY, AUTH_STATE_KEY_PREVIOUS: OTHER_KEY });
  await world.restart();
  await world.waitStatus("rotated", "connected", 30_000);
  await world.until("the re-seal to be logged", () => world.logged("auth state sealed under AUTH_STATE_KEY_PREVIOUS re-sealed under AUTH_STATE_KEY").find((l) => l.sessionId === "rotated"));

  world.setEnv({ AUTH_STATE_KEY: ROTATED_KEY });
  await world.restart();
  await world.waitStatus("rotated", "connected", 30_000);
  expect(world.linkedDevice(biz.phone)).toBe(device);
  expect(world.sim.control.pendingPairings()).toEqual([]);
});
