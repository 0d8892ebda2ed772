import { afterEach, describe, expect, test } from "bun:test";
import { EventRetention } from "../../src/roles/coordinator/event-retention.ts";
import { SqliteEventLedgerStore } from "../../src/registry/events/sqlite-event-ledger-store.ts";
import { SqliteDeliveryStore } from "../../src/webhooks/sqlite-delivery-store.ts";
import { startHarness, WORKER_TOKEN, type Harness } from "./support.ts";

let h: Harness;
afterEach(() => h.close());

type Row = Record<string, unknown>;
type Envelope = { event: string; sessionId: string | null; eventId: string; sequence: number; data: Row; workerId: string };
const page = async (query: string) => {
  const reply = await h.call("GET", `/api/v1/events${query}`);
  expect(reply.status).toBe(200);
  return reply.body as { data: Envelope[]; page: { limit: number; hasMore: boolean; next: string | null } };
};

describe("contract A's optional eventId", () => {
  test("a repeated eventId is answered with success and stores and applies nothing twice", async () => {
    h = await startHarness();
    const eventId = "0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f70";
    const body = { eventId, event: "message_status", sessionId: "s1", workerId: "w1", data: { messageId: "m1", status: "delivered" } };
    for (let i = 0; i < 3; i++) {
      expect(await h.call("POST", "/api/v1/webhooks/message-status", body, WORKER_TOKEN)).toEqual({ status: 200, body: { success: true, message: "Message status updated" } });
    }
    // A later, older status with a new id still applies by the usual rules; a repeat of the first does not count again.
    const ledger = h.db.sqlite.query<Row, []>("SELECT event_id, type, sequence FROM event_ledger").all();
    expect(ledger).toEqual([{ event_id: eventId, type: "messages.update", sequence: 1 }]);
    const again = { eventId: "0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f71", event: "session_connected", sessionId: "s1" };
    await h.event(again.event, again);
    await h.event(again.event, again);
    const session = { eventId: "0190f1e2-7c4b-7d3a-9f10-2b3c4d5e6f72", event: "qr_ready", sessionId: "s1", workerId: "w1", data: { qrString: "2@x" } };
    expect((await h.call("POST", "/api/v1/webhooks/session-status", session, WORKER_TOKEN)).status).toBe(200);
    expect((await h.call("POST", "/api/v1/webhooks/session-status", { ...session, data: { qrString: "2@changed" } }, WORKER_TOKEN)).status).toBe(200);
    expect(h.db.sqlite.query<Row, []>("SELECT qr_code FROM sessions WHERE id = 's1'").get()).toEqual({ qr_code: "2@x" });
    expect((await page("?sessionId=s1")).data.map((e) => [e.eventId, e.sequence])).toEqual([
      [eventId, 1],
      [again.eventId, 2],
      [session.eventId, 3],
    ]);
    const bad = await h.call("POST", "/api/v1/workers/w1/events", { eventId: "not-a-uuid", event: "worker_started" }, WORKER_TOKEN);
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: "VALIDATION_ERROR" });
    expect(bad.body.error).toContain("eventId");
  });
});

describe("GET /api/v1/events", () => {
  test("pages through the ledger by session and sequence, by eventId, and by type, in the webhook envelope", async () => {
    h = await startHarness();
    for (let i = 1; i <= 5; i++) await h.event("messages.upsert", { sessionId: "a", data: { messages: [], type: "notify", n: i } });
    await h.event("connection.update", { sessionId: "b", data: { connection: "open" } });
    await h.event("poll.vote", { sessionId: "a", data: { pollMessageId: "p1", chatJid: "1@g.us", voter: "628@s.whatsapp.net", selectedOptions: ["Senin"] } });
    await h.event("worker_started");

    const first = await page("?sessionId=a&limit=2");
    expect(first.data.map((e) => e.sequence)).toEqual([1, 2]);
    expect(first.page).toEqual({ limit: 2, hasMore: true, next: first.data[1]!.eventId });
    expect((await page("?sessionId=a&afterSequence=4")).data.map((e) => [e.sequence, e.event])).toEqual([
      [5, "messages.upsert"],
      [6, "poll.vote"],
    ]);
    const rest = await page(`?after=${first.page.next}`);
    expect(rest.data.map((e) => e.event)).toEqual(["messages.upsert", "messages.upsert", "messages.upsert", "connection.update", "poll.vote", "worker.status"]);
    expect(rest.page.hasMore).toBe(false);
    expect(rest.data.at(-1)).toMatchObject({ sessionId: null, workerId: "w1", data: { status: "started" } });
    expect((await page("?type=connection.update,poll.vote")).data.map((e) => e.event)).toEqual(["connection.update", "poll.vote"]);
    // connection.update moved the session too.
    expect(h.db.sqlite.query<Row, []>("SELECT status FROM sessions WHERE id = 'b'").get()).toEqual({ status: "connected" });

    const noSession = await h.call("GET", "/api/v1/events?afterSequence=3");
    expect({ status: noSession.status, code: noSession.body.code }).toEqual({ status: 400, code: "VALIDATION_ERROR" });
    expect((await h.call("GET", "/api/v1/events?after=0190f1e2-7c4b-7d3a-9f10-000000000000")).status).toBe(404);
    expect((await h.call("GET", "/api/v1/events", undefined, WORKER_TOKEN)).status).toBe(401);
  });

  test("retention deletes events older than EVENT_RETENTION and keeps the rest", async () => {
    h = await startHarness();
    await h.event("worker_started");
    await h.event("messages.upsert", { sessionId: "s1", data: { messages: [], type: "notify" } });
    const day = 86_400_000;
    h.db.sqlite.run("UPDATE event_ledger SET received_at = received_at - ? WHERE event = 'worker_started'", [8 * day]);
    const ledger = new SqliteEventLedgerStore(h.db);
    const retention = new EventRetention({ ledger, deliveries: new SqliteDeliveryStore(h.db.sqlite, h.db.orm, ledger) }, 7 * day);
    expect(retention.run(Date.now())).toBe(1);
    expect((await page("")).data.map((e) => e.event)).toEqual(["messages.upsert"]);
    expect(retention.run(Date.now() + 6 * day)).toBe(0);
    expect(retention.run(Date.now() + 8 * day)).toBe(1);
    expect((await page("")).data).toEqual([]);
  });

  test("QR codes (which embed the ADV secret) leave the ledger once they are long expired; the rest of each event stays", async () => {
    h = await startHarness();
    const qrOf = (n: number) => ({ status: "qr_required", qrString: `2@ref-${n},noise,identity,adv-secret-${n}`, qrCode: `data:image/png;base64,QR${n}` });
    await h.event("session_qr_ready", { sessionId: "s1", data: qrOf(1) });
    await h.event("messages.upsert", { sessionId: "s1", data: { messages: [], type: "notify" } });
    const ledger = new SqliteEventLedgerStore(h.db);
    const retention = new EventRetention({ ledger, deliveries: new SqliteDeliveryStore(h.db.sqlite, h.db.orm, ledger) }, 86_400_000);
    const stored = () => (h.db.sqlite.query("SELECT data FROM event_ledger WHERE session_id = 's1' ORDER BY position").all() as { data: string }[]).map((r) => r.data).join("\n");
    expect(retention.forgetQrCodes(Date.now())).toBe(0);
    expect(stored()).toContain("adv-secret-1");
    expect(retention.forgetQrCodes(Date.now() + 6 * 60_000)).toBe(1);
    expect(stored()).not.toContain("adv-secret-1");
    expect(stored()).not.toContain("base64,QR1");
    expect(stored()).toContain('"status":"qr_required"');
    // The next pass goes on where this one stopped: a later code goes in its turn, and only then.
    await h.event("session_qr_ready", { sessionId: "s1", data: qrOf(2) });
    expect(retention.forgetQrCodes(Date.now())).toBe(0);
    expect(stored()).toContain("adv-secret-2");
    expect(retention.forgetQrCodes(Date.now() + 6 * 60_000)).toBe(1);
    expect(stored()).not.toContain("adv-secret-2");
  });
});

/** Reads SSE frames from a streaming response until `n` events arrived. */
async function readFrames(res: Response, n: number): Promise<{ id: string; data: Envelope }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const frames: { id: string; data: Envelope }[] = [];
  let buffer = "";
  const deadline = Date.now() + 10_000;
  while (frames.length < n && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (id && data) frames.push({ id, data: JSON.parse(data) as Envelope });
    }
  }
  await reader.cancel();
  return frames;
}

describe("GET /api/v1/events/stream", () => {
  const stream = (query = "", headers: Record<string, string> = {}) =>
    h.app.handle(new Request(`http://localhost/api/v1/events/stream${query}`, { headers: { "x-api-key": "integrator-api-key-0123456789", ...headers } }));

  test("replays after Last-Event-ID, then streams live, filtered by session and type", async () => {
    h = await startHarness();
    for (let i = 1; i <= 3; i++) await h.event("messages.upsert", { sessionId: "s1", data: { messages: [], type: "notify", n: i } });
    const stored = (await page("")).data;

    const res = await stream("?sessionId=s1", { "last-event-id": stored[0]!.eventId });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reading = readFrames(res, 3);
    await Bun.sleep(50);
    await h.event("messages.upsert", { sessionId: "other", data: { messages: [], type: "notify" } });
    await h.event("session_connected", { sessionId: "s1" });
    const frames = await reading;
    expect(frames.map((f) => [f.data.sequence, f.data.event])).toEqual([
      [2, "messages.upsert"],
      [3, "messages.upsert"],
      [4, "session.status"],
    ]);
    expect(frames.map((f) => f.id)).toEqual(frames.map((f) => f.data.eventId));

    // Without Last-Event-ID it starts live; type filters apply.
    const live = await stream("?type=session.status");
    const liveReading = readFrames(live, 1);
    await Bun.sleep(50);
    await h.event("messages.upsert", { sessionId: "s1", data: { messages: [], type: "notify" } });
    await h.event("session_disconnected", { sessionId: "s2" });
    expect((await liveReading).map((f) => [f.data.sessionId, f.data.data.status])).toEqual([["s2", "disconnected"]]);
  });

  test("needs the API key, and a known Last-Event-ID", async () => {
    h = await startHarness();
    expect((await h.app.handle(new Request("http://localhost/api/v1/events/stream"))).status).toBe(401);
    expect((await stream("", { "last-event-id": "nope" })).status).toBe(404);
  });
});
