import { afterEach, describe, expect, test } from "bun:test";
import { API_KEY, expectError, registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r?.close());

type Command = { commandId: string; type: string; sessionId?: string; issuedAt: string };

async function beat(id: string, ackCommandIds?: string[]): Promise<Command[]> {
  const reply = await r.call("PUT", `/api/v1/workers/${id}/heartbeat`, { body: { status: "ONLINE", ...(ackCommandIds && { ackCommandIds }) } });
  expect(reply.status).toBe(200);
  return (reply.body.data as { commands: Command[] }).commands;
}
const commandRow = (id: string) => r.db.sqlite.query<Record<string, unknown>, [string]>("SELECT * FROM worker_commands WHERE id = ?").get(id);

describe("commands through the heartbeat", () => {
  test("are delivered in the documented shape, oldest first, and the next heartbeat acknowledges them", async () => {
    r = startTestRegistry();
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    await r.call("POST", "/api/v1/workers/register", { body: registration("w2") });
    const start = r.registry.commands.enqueue("w1", { type: "START_SESSION", sessionId: "s1" });
    const stop = r.registry.commands.enqueue("w1", { type: "STOP_SESSION", sessionId: "s2" });
    r.registry.commands.enqueue("w2", { type: "DELETE_SESSION", sessionId: "s3" });

    const first = await beat("w1");
    expect(first).toEqual([
      { commandId: start.commandId, type: "START_SESSION", sessionId: "s1", issuedAt: start.issuedAt },
      { commandId: stop.commandId, type: "STOP_SESSION", sessionId: "s2", issuedAt: stop.issuedAt },
    ]);
    expect(Date.parse(start.issuedAt)).toBeGreaterThan(0);
    expect(commandRow(start.commandId)).toMatchObject({ delivery_count: 1, acked_at: null });

    // A worker built from contract A alone sends no acks: the next heartbeat acknowledges what it was given.
    expect(await beat("w1")).toEqual([]);
    expect(commandRow(start.commandId)!.acked_at).toBeNumber();
    expect(commandRow(stop.commandId)!.acked_at).toBeNumber();
    // Other workers' commands are theirs alone.
    expect((await beat("w2")).map((c) => c.type)).toEqual(["DELETE_SESSION"]);
  });

  test("with ackCommandIds, exactly those are acknowledged and the rest come again (a lost response loses nothing)", async () => {
    r = startTestRegistry();
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    const a = r.registry.commands.enqueue("w1", { type: "START_SESSION", sessionId: "a" });
    const b = r.registry.commands.enqueue("w1", { type: "START_SESSION", sessionId: "b" });
    expect((await beat("w1", [])).map((c) => c.commandId)).toEqual([a.commandId, b.commandId]);
    // Say the worker only got to act on "a".
    expect((await beat("w1", [a.commandId])).map((c) => c.commandId)).toEqual([b.commandId]);
    expect(commandRow(b.commandId)).toMatchObject({ delivery_count: 2, acked_at: null });
    expect(await beat("w1", [b.commandId, "unknown-id"])).toEqual([]);
    expect(await beat("w1", [])).toEqual([]);
  });

  test("a worker that registers again (restarted) gets its unacknowledged commands again", async () => {
    r = startTestRegistry();
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    const c = r.registry.commands.enqueue("w1", { type: "START_SESSION", sessionId: "s1" });
    expect((await beat("w1")).map((x) => x.commandId)).toEqual([c.commandId]);
    // It crashed before acting on it and came back.
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    expect((await beat("w1")).map((x) => x.commandId)).toEqual([c.commandId]);
    expect(await beat("w1")).toEqual([]);
  });

  test("the queue survives a coordinator restart", async () => {
    r = startTestRegistry();
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    const delivered = r.registry.commands.enqueue("w1", { type: "START_SESSION", sessionId: "s1" });
    expect((await beat("w1")).length).toBe(1);
    const queued = r.registry.commands.enqueue("w1", { type: "DRAIN" });
    r.close({ keepData: true });

    r = startTestRegistry({ dataDir: r.dataDir });
    // The delivered one is acknowledged by this heartbeat; the queued one is delivered.
    expect(await beat("w1")).toEqual([{ commandId: queued.commandId, type: "DRAIN", issuedAt: queued.issuedAt }]);
    expect(commandRow(delivered.commandId)!.acked_at).toBeNumber();
  });

  test("an operator drains a worker with the API key: a DRAIN command for its next heartbeat", async () => {
    r = startTestRegistry();
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    const reply = await r.call("POST", "/api/v1/workers/w1/drain", { token: API_KEY });
    expect(reply.status).toBe(202);
    const { command } = reply.body.data as { command: Command };
    expect(command).toMatchObject({ type: "DRAIN" });
    expect(await beat("w1")).toEqual([command]);
    expectError(await r.call("POST", "/api/v1/workers/nobody/drain", { token: API_KEY }), 404, "WORKER_NOT_FOUND");
  });
});
