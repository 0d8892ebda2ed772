import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-commands" });
});
afterAll(() => world.stop());

interface WorkerDetail {
  status: string;
  pendingCommands: { commandId: string; type: string }[];
}

// Only DRAIN has an operator route (POST /api/v1/workers/:id/drain); START/STOP/DELETE_SESSION reach
// workers as BullMQ jobs, so heartbeat-borne session commands cannot be queued from outside yet.
test("a DRAIN command delivered through the heartbeat is executed and acknowledged: existing sessions run on, new ones are refused", async () => {
  await world.link("kept");
  const reply = await world.api<{ command: { commandId: string; type: string } }>("POST", "/api/v1/workers/worker-test/drain");
  expect(reply.status).toBe(202);
  expect(reply.body.data.command.type).toBe("DRAIN");

  const detail = await world.until("the worker in maintenance, the command acknowledged", async () => {
    const w = (await world.api<WorkerDetail>("GET", "/api/v1/workers/worker-test")).body.data;
    return w.status === "MAINTENANCE" && w.pendingCommands.length === 0 ? w : undefined;
  });
  expect(detail.pendingCommands).toEqual([]);

  const carol = world.sim.control.createAccount({ name: "Carol" });
  const sent = await world.job("/api/v1/sessions/kept/messages/text", { to: carol.jid, text: "still here" });
  expect(sent.state).toBe("completed");

  const start = await world.api<{ jobId: string }>("POST", "/api/v1/sessions", { sessionId: "newcomer" });
  const job = await world.waitJob(start.body.data.jobId, 30_000);
  expect(job).toMatchObject({ state: "failed", failureCode: "SESSION_NOT_CONNECTED", failedReason: expect.stringContaining("draining") });
  expect(world.sim.control.pendingPairings()).toEqual([]);
}, 45_000);
