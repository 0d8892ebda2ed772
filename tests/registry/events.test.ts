import { afterEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

type Row = Record<string, unknown>;
const session = (id: string) => r.db.sqlite.query<Row, [string]>("SELECT status, phone_number, worker_id, qr_code, qr_expires_at, pairing_code, last_error FROM sessions WHERE id = ?").get(id);
const message = (id: string) => r.db.sqlite.query<Row, [string]>("SELECT status, error, recipient, event_id FROM message_statuses WHERE message_id = ?").get(id);
const ledger = (stream: string) => r.db.sqlite.query<Row, [string]>("SELECT * FROM event_ledger WHERE stream = ? ORDER BY position").all(stream);

async function send(workerId: string, event: string, extra: Record<string, unknown> = {}) {
  const reply = await r.call("POST", `/api/v1/workers/${workerId}/events`, { body: { event, timestamp: new Date().toISOString(), ...extra } });
  expect(reply).toEqual({ status: 200, body: { success: true, message: "Event received" } });
}

async function setup(log?: pino.Logger) {
  r = startTestRegistry({ log });
  for (const id of ["w1", "w2"]) await r.call("POST", "/api/v1/workers/register", { body: registration(id) });
}

describe("session events", () => {
  test("walk a session through its life in the sessions table, each event stored in order", async () => {
    await setup();
    const s = { sessionId: "s1" };
    await send("w1", "session_created", s);
    expect(session("s1")).toMatchObject({ status: "created", worker_id: "w1" });

    await send("w1", "session_qr_ready", { ...s, data: { qrString: "2@qr-one", qrExpiresAt: "2030-01-01T00:00:20.000Z" } });
    expect(session("s1")).toMatchObject({ status: "qr_required", qr_code: "2@qr-one", qr_expires_at: Date.parse("2030-01-01T00:00:20.000Z") });

    await send("w1", "session_status_changed", { ...s, data: { status: "pairing_code", pairingCode: "ABCD-1234" } });
    expect(session("s1")).toMatchObject({ status: "pairing_code", pairing_code: "ABCD-1234", qr_code: null, qr_expires_at: null });

    await send("w1", "session_connected", { ...s, data: { phoneNumber: "+628111222333" } });
    expect(session("s1")).toMatchObject({ status: "connected", phone_number: "628111222333", pairing_code: null });

    // After failover another worker reports on the session: it now owns it.
    await send("w2", "session_disconnected", { ...s, data: { error: "Connection Failure" } });
    expect(session("s1")).toMatchObject({ status: "disconnected", worker_id: "w2", last_error: "Connection Failure", phone_number: "628111222333" });

    await send("w2", "session_deleted", s);
    expect(session("s1")).toMatchObject({ status: "deleted", worker_id: null });

    // A late report from the worker (a reconnect racing the delete) is kept in the ledger but revives nothing.
    await send("w2", "session_connected", { ...s, data: { phoneNumber: "+628111222333" } });
    expect(session("s1")).toMatchObject({ status: "deleted", worker_id: null });

    const events = ledger("session:s1");
    expect(events.map((e) => [e.event, e.sequence, e.session_id])).toEqual([
      ["session_created", 1, "s1"],
      ["session_qr_ready", 2, "s1"],
      ["session_status_changed", 3, "s1"],
      ["session_connected", 4, "s1"],
      ["session_disconnected", 5, "s1"],
      ["session_deleted", 6, "s1"],
      ["session_connected", 7, "s1"],
    ]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(7);
    expect(events.map((e) => e.worker_id)).toEqual(["w1", "w1", "w1", "w1", "w2", "w2", "w2"]);
    for (const e of events) expect(e.received_at as number).toBeGreaterThanOrEqual(e.occurred_at as number);
  });

  test("the session-status webhook changes the status only when the event or data says one", async () => {
    await setup();
    const webhook = (event: string, data: Record<string, unknown>) =>
      r.call("POST", "/api/v1/webhooks/session-status", { body: { event, sessionId: "s1", workerId: "w1", data } });
    expect((await webhook("session_created", {})).status).toBe(200);
    expect((await webhook("qr_ready", { qrString: "2@abc" })).status).toBe(200);
    expect(session("s1")).toMatchObject({ status: "qr_required", qr_code: "2@abc" });
    expect((await webhook("qr_refreshed", { qrString: "2@def" })).status).toBe(200);
    expect(session("s1")).toMatchObject({ status: "qr_required", qr_code: "2@def" });
  });

  test("sequences count per session and per worker, independently", async () => {
    await setup();
    await send("w1", "session_created", { sessionId: "a" });
    await send("w1", "worker_started");
    await send("w1", "session_created", { sessionId: "b" });
    await send("w1", "session_connected", { sessionId: "a" });
    await send("w1", "worker_stopping");
    expect(ledger("session:a").map((e) => e.sequence)).toEqual([1, 2]);
    expect(ledger("session:b").map((e) => e.sequence)).toEqual([1]);
    expect(ledger("worker:w1").map((e) => [e.event, e.sequence, e.session_id])).toEqual([
      ["worker_started", 1, null],
      ["worker_stopping", 2, null],
    ]);
  });

  test("an unregistered worker's trailing events are still accepted", async () => {
    await setup();
    await r.call("DELETE", "/api/v1/workers/w1");
    await send("w1", "worker_stopping");
    expect(ledger("worker:w1").map((e) => e.event)).toEqual(["worker_offline", "worker_stopping"]);
  });
});

describe("message events", () => {
  test("record each message's status by messageId, only ever moving forward", async () => {
    await setup();
    const s = { sessionId: "s1" };
    await send("w1", "message_sent", { ...s, data: { messageId: "m1", to: "628@s.whatsapp.net" } });
    expect(message("m1")).toMatchObject({ status: "sent", recipient: "628@s.whatsapp.net" });

    const webhook = (data: Record<string, unknown>) => r.call("POST", "/api/v1/webhooks/message-status", { body: { event: "message_status", workerId: "w1", ...s, data } });
    expect((await webhook({ messageId: "m1", status: "read", readAt: "2030-01-01T00:00:00.000Z" })).status).toBe(200);
    expect(message("m1")).toMatchObject({ status: "read", recipient: "628@s.whatsapp.net" });
    const readEvent = message("m1")!.event_id;

    // A late "delivered" does not undo "read", but it is still stored.
    expect((await webhook({ messageId: "m1", status: "delivered" })).status).toBe(200);
    expect(message("m1")).toMatchObject({ status: "read", event_id: readEvent });
    expect(ledger("session:s1").map((e) => e.event)).toEqual(["message_sent", "message_status", "message_status"]);

    await send("w1", "message_failed", { ...s, data: { messageId: "m2", error: "not on WhatsApp" } });
    expect(message("m2")).toMatchObject({ status: "failed", error: "not on WhatsApp" });
  });

  test("contract A defines no data for message_sent and message_failed: without any, or with fields of its own, they are stored as sent", async () => {
    await setup();
    await send("w1", "message_sent", { sessionId: "s1" });
    await send("w1", "message_failed", { sessionId: "s1", data: { reason: "their own field", attempt: 3 } });
    const rows = ledger("session:s1");
    expect(rows.map((e) => e.event)).toEqual(["message_sent", "message_failed"]);
    expect(JSON.parse(rows[1]!.data as string)).toEqual({ reason: "their own field", attempt: 3 });
  });

  test("message_received is stored but is no outgoing message's status", async () => {
    await setup();
    await send("w1", "message_received", { sessionId: "s1", data: { messageId: "in-1", from: "628@s.whatsapp.net", text: "hi" } });
    expect(message("in-1")).toBeNull();
    expect(JSON.parse(ledger("session:s1")[0]!.data as string)).toEqual({ messageId: "in-1", from: "628@s.whatsapp.net", text: "hi" });
  });
});

describe("unknown event names", () => {
  test("are accepted, stored, and logged once per name", async () => {
    const lines: Record<string, unknown>[] = [];
    await setup(pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }));
    await send("w1", "session_pairing_started", { sessionId: "s1", data: { anything: [1, 2] } });
    await send("w1", "session_pairing_started", { sessionId: "s1" });
    await send("w1", "worker.upgraded", { data: { to: "2.0.0" } });
    const webhook = await r.call("POST", "/api/v1/webhooks/session-status", { body: { event: "session_reauthorised", sessionId: "s2", workerId: "w1", data: { status: "connected" } } });
    expect(webhook.status).toBe(200);

    expect(ledger("session:s1").map((e) => e.event)).toEqual(["session_pairing_started", "session_pairing_started"]);
    expect(ledger("worker:w1").map((e) => e.event)).toEqual(["worker.upgraded"]);
    // Unknown names change nothing, except at the session-status webhook, whose documented data still applies.
    expect(session("s1")).toBeNull();
    expect(session("s2")).toMatchObject({ status: "connected", worker_id: "w1" });
    const logged = lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("unknown event name")).map((l) => l.event);
    expect(logged).toEqual(["session_pairing_started", "worker.upgraded", "session_reauthorised"]);
  });
});
