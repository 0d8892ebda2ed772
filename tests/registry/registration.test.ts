import { afterEach, describe, expect, test } from "bun:test";
import { expectError, registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

const register = (body: Record<string, unknown>) => r.call("POST", "/api/v1/workers/register", { body });
const beat = (id: string, status = "ONLINE") => r.call("PUT", `/api/v1/workers/${id}/heartbeat`, { body: { status, sessions: { total: 0 } } });
const workerRow = (id: string) => r.db.sqlite.query<Record<string, unknown>, [string]>("SELECT * FROM workers WHERE id = ?").get(id);

/** A session as placement leaves it: placed on its worker unless it was stopped or deleted. */
function addSession(id: string, workerId: string | null, status: string): void {
  const placedOn = status === "stopped" || status === "deleted" ? null : workerId;
  r.db.sqlite.run("INSERT INTO sessions (id, status, worker_id, placed_on, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)", [id, status, workerId, placedOn]);
}

describe("register", () => {
  test("a new worker is stored ONLINE with the documented defaults for what it leaves out", async () => {
    r = startTestRegistry();
    const reply = await register({ workerId: "w-min", endpoint: "http://10.0.0.5:8001" });
    expect(reply.status).toBe(200);
    expect(workerRow("w-min")).toMatchObject({ status: "ONLINE", max_sessions: 50, environment: "DEVELOPMENT", description: null, version: null });
  });

  test("the same workerId registering again (a restart) is updated and told the sessions placed on it", async () => {
    r = startTestRegistry();
    await register(registration("w1", { version: "1.0.0" }));
    const created = workerRow("w1")!.created_at;
    addSession("s-b", "w1", "connected");
    addSession("s-a", "w1", "qr_required");
    addSession("s-stopped", "w1", "stopped");
    addSession("s-deleted", "w1", "deleted");
    addSession("s-other", "w2", "connected");
    await Bun.sleep(2);
    const reply = await register(registration("w1", { version: "1.1.0", endpoint: "http://localhost:9999", maxSessions: 20 }));
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ workerId: "w1", status: "registered", assignedSessions: ["s-a", "s-b"], message: "Worker registered successfully" });
    expect(workerRow("w1")).toMatchObject({ version: "1.1.0", endpoint: "http://localhost:9999", max_sessions: 20, status: "ONLINE", created_at: created });
    // Its old endpoint is free again.
    expect((await register(registration("w3", { endpoint: registration("w1").endpoint }))).status).toBe(200);
  });

  test("a registered worker may announce MAINTENANCE, and keeps its endpoint against others", async () => {
    r = startTestRegistry();
    await register(registration("w1", { status: "MAINTENANCE" }));
    expect(workerRow("w1")!.status).toBe("MAINTENANCE");
    expectError(await register(registration("w2", { endpoint: registration("w1").endpoint })), 409, "WORKER_CONFLICT", "MAINTENANCE worker w1");
  });
});

describe("endpoint conflict", () => {
  test("an ONLINE holder wins (409); once it is OFFLINE, another worker takes the endpoint over", async () => {
    r = startTestRegistry();
    const endpoint = "http://10.0.0.7:8001";
    await register({ workerId: "w1", endpoint });
    const conflict = await register({ workerId: "w2", endpoint });
    expectError(conflict, 409, "WORKER_CONFLICT", `Endpoint ${endpoint} is already held by ONLINE worker w1`);
    expect(workerRow("w2")).toBeNull();

    // The holder reports itself OFFLINE in a heartbeat: the endpoint can be taken over.
    await beat("w1", "OFFLINE");
    expect((await register({ workerId: "w2", endpoint })).status).toBe(200);
    expect(workerRow("w2")).toMatchObject({ endpoint, status: "ONLINE" });
    expect(workerRow("w1")).toMatchObject({ endpoint: "released:w1", status: "OFFLINE", offline_reason: "endpoint taken over by w2" });
    expect(workerRow("w1")!.unregistered_at).toBeNumber();

    // The displaced worker must register again, and now w2 holds its endpoint.
    expectError(await beat("w1"), 404, "WORKER_NOT_FOUND");
    expectError(await register({ workerId: "w1", endpoint }), 409, "WORKER_CONFLICT", "ONLINE worker w2");
    expect((await register({ workerId: "w1", endpoint: "http://10.0.0.8:8001" })).status).toBe(200);
  });

  test("an unregistered holder's endpoint can be taken over", async () => {
    r = startTestRegistry();
    await register({ workerId: "w1", endpoint: "http://a:1" });
    expect((await r.call("DELETE", "/api/v1/workers/w1")).status).toBe(200);
    expect((await register({ workerId: "w2", endpoint: "http://a:1" })).status).toBe(200);
  });
});

describe("unregister", () => {
  test("marks the worker OFFLINE; heartbeats get 404 until it registers again; repeating it is harmless", async () => {
    r = startTestRegistry();
    await register(registration("w1"));
    expect((await r.call("DELETE", "/api/v1/workers/w1")).body).toEqual({ success: true, message: "Worker unregistered successfully" });
    expect((await r.call("DELETE", "/api/v1/workers/w1")).status).toBe(200);
    expect(r.db.sqlite.query("SELECT count(*) AS n FROM event_ledger WHERE event = 'worker_offline'").get()).toEqual({ n: 1 });
    expectError(await beat("w1"), 404, "WORKER_NOT_FOUND", "w1 is not registered");
    await register(registration("w1"));
    expect((await beat("w1")).status).toBe(200);
    expect(workerRow("w1")).toMatchObject({ status: "ONLINE", unregistered_at: null, offline_reason: null });
  });
});
