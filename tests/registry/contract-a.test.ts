import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as A from "./contract-a.ts";
import { startTestRegistry, type TestRegistry } from "./support.ts";

/** Sends an example exactly as contract A writes it: its method, path, headers and JSON. */
async function replay(r: TestRegistry, example: { method: string; path: string; request?: unknown }) {
  const headers: Record<string, string> = { Authorization: `Bearer ${A.CONTRACT_TOKEN}` };
  if (example.request !== undefined) headers["Content-Type"] = "application/json";
  const res = await r.app.handle(
    new Request(`http://localhost${example.path}`, { method: example.method, headers, body: example.request === undefined ? undefined : JSON.stringify(example.request, null, 2) }),
  );
  expect(res.headers.get("content-type")).toStartWith("application/json");
  r.registry.flush();
  return { status: res.status, body: (await res.json()) as unknown };
}

type Row = Record<string, unknown>;

describe("contract A's examples, replayed verbatim in a worker's order", () => {
  let r: TestRegistry;
  const row = (sql: string, ...params: (string | number)[]) => r.db.sqlite.query<Row, (string | number)[]>(sql).get(...params);
  beforeAll(() => {
    r = startTestRegistry();
  });
  afterAll(() => r.close());

  test("1. POST /api/v1/workers/register answers the documented body and stores the worker ONLINE", async () => {
    const before = Date.now();
    const { status, body } = await replay(r, A.register);
    expect(status).toBe(200);
    expect(body).toStrictEqual(A.register.response);
    const w = row("SELECT * FROM workers WHERE id = ?", "worker-001")!;
    expect(w).toMatchObject({
      id: "worker-001",
      endpoint: "http://localhost:8001",
      description: "Primary worker instance",
      status: "ONLINE",
      max_sessions: 50,
      current_sessions: 0,
      version: "1.0.0",
      environment: "PRODUCTION",
      unregistered_at: null,
    });
    expect(w.last_heartbeat as number).toBeGreaterThanOrEqual(before);
    expect(w.created_at).toBe(w.updated_at);
  });

  test("2. PUT /api/v1/workers/{workerId}/heartbeat answers the documented body and stores every field", async () => {
    const before = Date.now();
    const { status, body } = await replay(r, A.heartbeat);
    expect(status).toBe(200);
    expect(body).toStrictEqual(A.heartbeat.response);
    expect(row("SELECT status, current_sessions FROM workers WHERE id = 'worker-001'")).toEqual({ status: "ONLINE", current_sessions: 25 });
    const m = row("SELECT * FROM worker_metrics WHERE worker_id = 'worker-001'")!;
    expect(m).toMatchObject({
      status: "ONLINE",
      cpu_usage: 45.5,
      memory_usage: 67.8,
      uptime: 3600,
      message_count: 1250,
      session_total: 25,
      session_connected: 20,
      session_disconnected: 2,
      session_qr_required: 2,
      session_reconnecting: 1,
      session_error: 0,
      reported_at: Date.parse("2024-01-15T10:30:00.000Z"),
      samples: 1,
      bucket_ms: null,
    });
    expect(m.timestamp as number).toBeGreaterThanOrEqual(before);
    expect(m.id as string).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test("3. POST /api/v1/workers/{workerId}/events answers the documented body, stores the event and updates the session", async () => {
    const { status, body } = await replay(r, A.event);
    expect(status).toBe(200);
    expect(body).toStrictEqual(A.event.response);
    const e = row("SELECT * FROM event_ledger WHERE event = 'session_status_changed'")!;
    expect(e).toMatchObject({ source: "events", worker_id: "worker-001", session_id: "user123-session1", stream: "session:user123-session1", sequence: 1, occurred_at: Date.parse("2024-01-15T10:30:00.000Z") });
    expect(JSON.parse(e.data as string)).toEqual(A.event.request.data);
    // Connected: the phone is known, the worker owns it, and a QR code is no longer wanted.
    expect(row("SELECT status, phone_number, worker_id, qr_code, qr_expires_at FROM sessions WHERE id = 'user123-session1'")).toEqual({
      status: "connected",
      phone_number: "6281234567890",
      worker_id: "worker-001",
      qr_code: null,
      qr_expires_at: null,
    });
  });

  test("5. POST /api/v1/webhooks/session-status answers the documented body and keeps the QR code with its expiry", async () => {
    const before = Date.now();
    const { status, body } = await replay(r, A.sessionStatus);
    expect(status).toBe(200);
    expect(body).toStrictEqual(A.sessionStatus.response);
    const s = row("SELECT status, worker_id, qr_code, qr_expires_at FROM sessions WHERE id = 'user123-session1'")!;
    expect(s).toMatchObject({ status: "qr_required", worker_id: "worker-001", qr_code: "1@ABC123XYZ..." });
    expect(s.qr_expires_at as number).toBeGreaterThanOrEqual(before + 60_000);
    expect(s.qr_expires_at as number).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(row("SELECT source, sequence FROM event_ledger WHERE event = 'qr_ready'")).toEqual({ source: "session-status", sequence: 2 });
  });

  test("6. POST /api/v1/webhooks/message-status answers the documented body and records the status by messageId", async () => {
    const { status, body } = await replay(r, A.messageStatus);
    expect(status).toBe(200);
    expect(body).toStrictEqual(A.messageStatus.response);
    expect(row("SELECT session_id, worker_id, status, recipient, status_at FROM message_statuses WHERE message_id = 'msg_12345'")).toEqual({
      session_id: "user123-session1",
      worker_id: "worker-001",
      status: "delivered",
      recipient: "6281234567890@s.whatsapp.net",
      status_at: Date.parse("2024-01-15T10:30:00.000Z"),
    });
    expect(row("SELECT source, sequence FROM event_ledger WHERE event = 'message_status'")).toEqual({ source: "message-status", sequence: 3 });
  });

  test("4. DELETE /api/v1/workers/{workerId} answers the documented body, marks it OFFLINE and records why", async () => {
    const { status, body } = await replay(r, A.unregister);
    expect(status).toBe(200);
    expect(body).toStrictEqual(A.unregister.response);
    const w = row("SELECT status, offline_reason, unregistered_at FROM workers WHERE id = 'worker-001'")!;
    expect(w).toMatchObject({ status: "OFFLINE", offline_reason: "unregistered" });
    expect(w.unregistered_at).toBeNumber();
    const e = row("SELECT source, stream, data FROM event_ledger WHERE event = 'worker_offline'")!;
    expect(e).toMatchObject({ source: "coordinator", stream: "worker:worker-001" });
    expect(JSON.parse(e.data as string)).toMatchObject({ reason: "unregistered" });
    // A later heartbeat is refused until the worker registers again.
    expect((await replay(r, A.heartbeat)).status).toBe(404);
    // Registering again, it is told to run the session placed on it (placement itself, which needs
    // Redis, is not part of this registry-only app: tests/cluster covers it with real workers).
    r.db.sqlite.run("UPDATE sessions SET placed_on = 'worker-001' WHERE id = 'user123-session1'");
    const again = await replay(r, A.register);
    expect(again.body).toStrictEqual({ ...A.register.response, data: { ...A.register.response.data, assignedSessions: ["user123-session1"] } });
    expect((await replay(r, A.heartbeat)).body).toStrictEqual(A.heartbeat.response);
  });
});
