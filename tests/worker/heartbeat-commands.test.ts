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

// A lone worker drained keeps its sessions (there is nowhere to move them); new ones wait as pending_capacity.
test("DRAIN and UNDRAIN through the heartbeat: existing sessions run on, a new one waits for capacity and is placed on undrain", async () => {
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

  // The only worker drains: a new session waits for room instead of failing.
  const start = await world.api<{ jobId: string }>("POST", "/api/v1/sessions", { sessionId: "newcomer" });
  await world.waitStatus("newcomer", "pending_capacity");
  expect((await world.api<{ state: string }>("GET", `/api/v1/jobs/${start.body.data.jobId}`)).body.data.state).toBe("active");
  expect(world.sim.control.pendingPairings()).toEqual([]);
  expect((await world.session("kept")).status).toBe("connected");

  const undo = await world.api<{ command: { type: string } }>("POST", "/api/v1/workers/worker-test/undrain");
  expect(undo.status).toBe(202);
  expect(undo.body.data.command.type).toBe("UNDRAIN");
  await world.until("the worker online again, UNDRAIN acknowledged", async () => {
    const w = (await world.api<WorkerDetail>("GET", "/api/v1/workers/worker-test")).body.data;
    return w.status === "ONLINE" && w.pendingCommands.length === 0 ? w : undefined;
  });
  const job = await world.waitJob(start.body.data.jobId);
  expect(job).toMatchObject({ state: "completed", result: { sessionId: "newcomer", status: "qr_required" } });
  const placements = await world.api<{ to: string | null; reason: string }[]>("GET", "/api/v1/placements/history?sessionId=newcomer");
  const history = placements.body.data;
  expect(history.map((h) => [h.to, h.reason])).toEqual([
    ["worker-test", "capacity"],
    [null, "capacity"],
  ]);
}, 45_000);
