import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-restart" });
});
afterAll(() => world.stop());

/** Restarts the gateway and checks the session came back from its stored auth: no QR, no new device, and it sends. */
async function resumesAfter(signal: NodeJS.Signals, sessionId: string, biz: { phone: string }): Promise<void> {
  const device = world.linkedDevice(biz.phone);
  const before = world.ledger(sessionId).length;
  await world.restart(signal);

  // After a SIGKILL the outbox may first deliver reports the old process had queued, so look for the
  // new process's runner: its session_created, then a session_connected.
  const after = await world.until("the resumed session to connect", () => {
    const events = world.ledger(sessionId).slice(before);
    const created = events.findIndex((e) => e.event === "session_created");
    return created >= 0 && events.slice(created).some((e) => e.event === "session_connected") ? events : undefined;
  });
  await world.waitStatus(sessionId, "connected");
  expect(after.filter((e) => e.event === "qr_ready" || e.event === "session_qr_ready")).toEqual([]);
  expect(after.some((e) => e.event === "connection.update" && typeof e.data.qr === "string")).toBe(false);
  // Logged in as the same device: the phone linked nothing new, and nobody is waiting for a scan.
  expect(world.sim.control.getAccount(biz.phone).devices.filter((d) => d.id !== 0)).toEqual([{ id: device, online: true, platform: expect.any(String) }]);
  expect(world.sim.control.pendingPairings()).toEqual([]);

  const carol = world.sim.control.createAccount({ name: `Carol ${signal}` });
  const job = await world.job(`/api/v1/sessions/${sessionId}/messages/text`, { to: carol.jid, text: `back after ${signal}` });
  expect(job.state).toBe("completed");
  const sent = job.result as { messageId: string };
  const got = await world.sim.control.waitForInbox(carol.phone, (e) => e.id === sent.messageId);
  expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe(`back after ${signal}`);
}

test("after a SIGKILL the restarted gateway resumes the session without a QR, and it sends", async () => {
  const biz = await world.link("crash");
  await resumesAfter("SIGKILL", "crash", biz);
});

test("after a graceful SIGTERM restart the session resumes without a QR, and it sends", async () => {
  const biz = await world.link("graceful");
  await resumesAfter("SIGTERM", "graceful", biz);
});
