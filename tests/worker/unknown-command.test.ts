import { expect, test } from "bun:test";
import pino from "pino";
import { CoordinatorClient } from "../../src/worker/coordinator/coordinator-client.ts";
import { CoordinatorLink } from "../../src/worker/coordinator/coordinator-link.ts";

// Issue 22.8: a heartbeat reply's commands are checked against the schema; one this worker does not know
// is logged, acknowledged and never acted on (it once fell through to a delete, logging the device out).
test("an unknown or malformed coordinator command is ignored and acknowledged; a known one runs", async () => {
  const acks: unknown[] = [];
  const commands = [
    { commandId: "c1", type: "WIPE_EVERYTHING", sessionId: "s1", issuedAt: new Date().toISOString() },
    { commandId: "c2", type: "STOP_SESSION", issuedAt: new Date().toISOString() },
    { commandId: "c3", type: "STOP_SESSION", sessionId: "s1", issuedAt: new Date().toISOString() },
  ];
  const client = new CoordinatorClient({
    baseUrl: "http://coordinator.test",
    token: "t",
    fetch: async (request) => {
      if (request.method === "PUT") acks.push(((await request.json()) as { ackCommandIds: string[] }).ackCommandIds);
      return Response.json({ success: true, data: { assignedSessions: [], commands: request.method === "PUT" ? commands : [] } });
    },
  });
  const executed: unknown[] = [];
  const link = new CoordinatorLink({
    client,
    registration: { workerId: "w", endpoint: "http://w.test", maxSessions: 1, status: "ONLINE", version: "t", environment: "TESTING" },
    intervalMs: 20,
    counts: () => ({ total: 0, connected: 0, disconnected: 0, qr_required: 0, reconnecting: 0, error: 0 }),
    messageCount: () => 0,
    execute: async (command) => void executed.push(command),
    onAssigned: () => undefined,
    log: pino({ level: "silent" }),
  });
  link.start();
  await Bun.sleep(200);
  await link.stop();
  expect(executed).toEqual([commands[2]]);
  expect(acks.flat()).toEqual(expect.arrayContaining(["c1", "c2", "c3"]));
});
