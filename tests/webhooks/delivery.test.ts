import { afterEach, describe, expect, test } from "bun:test";
import { createHmac, timingSafeEqual } from "node:crypto";
import { startHarness, startReceiver, until, type Harness, type Receiver } from "./support.ts";

let h: Harness;
const receivers: Receiver[] = [];
afterEach(async () => {
  receivers.splice(0).forEach((r) => r.stop());
  await h.close();
});

function receiver(respond?: Receiver["respond"]): Receiver {
  const r = startReceiver(respond);
  receivers.push(r);
  return r;
}

async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const reply = await h.call("POST", "/api/v1/webhooks/subscriptions", body);
  expect(reply.status).toBe(201);
  return reply.body.data as { id: string; secret: string };
}

const upsert = (id: string) => ({ messages: [{ key: { remoteJid: "628111@s.whatsapp.net", fromMe: false, id }, message: { conversation: "hi" }, pushName: "Budi" }], type: "notify" });

describe("webhook delivery", () => {
  test("every event reaches the subscriber in contract B's envelope, signed so node:crypto verifies it", async () => {
    h = await startHarness();
    const r = receiver();
    const sub = await subscribe({ url: r.url, secret: "subscriber-secret-0123456789" });
    await h.event("messages.upsert", { sessionId: "s1", timestamp: "2024-01-15T10:30:00.000Z", data: upsert("m1") });
    await h.event("session_connected", { sessionId: "s1", data: { phoneNumber: "+628111" } });
    await r.waitFor(2);

    const first = r.received.find((x) => x.json.event === "messages.upsert")!;
    expect(JSON.parse(first.body)).toEqual({
      event: "messages.upsert",
      sessionId: "s1",
      timestamp: Math.floor(Date.parse("2024-01-15T10:30:00.000Z") / 1000),
      data: upsert("m1"),
      eventId: expect.any(String),
      sequence: 1,
      workerId: "w1",
    });
    const status = r.received.find((x) => x.json.event === "session.status")!;
    expect(status.json).toMatchObject({ sequence: 2, data: { status: "connected", trigger: "session_connected", phoneNumber: "+628111" } });

    // An independent verifier, as a receiver would write it: node:crypto only.
    for (const got of r.received) {
      const timestamp = got.headers.get("x-webhook-timestamp")!;
      const expected = createHmac("sha256", sub.secret).update(`${timestamp}.${got.body}`).digest("hex");
      const presented = got.headers.get("x-webhook-signature")!.replace(/^v1=/, "");
      expect(timingSafeEqual(Buffer.from(presented, "hex"), Buffer.from(expected, "hex"))).toBe(true);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
      expect(got.headers.get("x-webhook-id")).toBe(got.json.eventId);
    }
    // A tampered body does not verify.
    const t = first.headers.get("x-webhook-timestamp")!;
    const forged = createHmac("sha256", sub.secret).update(`${t}.${first.body.replace("hi", "ho")}`).digest("hex");
    expect(first.headers.get("x-webhook-signature")).not.toBe(`v1=${forged}`);
  });
});

type Row = Record<string, unknown>;
const ledgerIds = () => h.db.sqlite.query<{ event_id: string }, []>("SELECT event_id FROM event_ledger WHERE session_id IS NOT NULL ORDER BY position").all().map((r) => r.event_id);

describe("retries", () => {
  test("a receiver that is down, then comes back, gets every event", async () => {
    h = await startHarness();
    const first = receiver();
    const port = Number(new URL(first.url).port);
    await subscribe({ url: first.url });
    first.stop(); // down: connections refused
    for (let i = 1; i <= 30; i++) await h.event("messages.upsert", { sessionId: `s${i % 3}`, data: upsert(`m${i}`) });
    await Bun.sleep(3000);
    const back = startReceiver(() => 200, port);
    receivers.push(back);
    await until(() => new Set(back.received.map((r) => r.json.eventId)).size === 30, 20_000, "all 30 events");
    expect(new Set(back.received.map((r) => r.json.eventId))).toEqual(new Set(ledgerIds()));
    // Held back in SQLite while the receiver was down, not retried one by one: few failed attempts.
    const failed = h.db.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_attempts WHERE status_code IS NULL").get()!.n;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(60);
    // The receiver answers before the outcome is committed; give the last ones a moment.
    const statuses = () => h.db.sqlite.query<Row, []>("SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status").all();
    await until(() => statuses().length === 1, 5000, "every delivery settled");
    expect(statuses()).toEqual([{ status: "delivered", n: 30 }]);
  });

  test("410 Gone disables the subscription; nothing more is sent to it", async () => {
    h = await startHarness();
    const gone = receiver(() => 410);
    const sub = await subscribe({ url: gone.url });
    await h.event("messages.upsert", { sessionId: "s1", data: upsert("m1") });
    await gone.waitFor(1);
    await until(async () => ((await h.call("GET", `/api/v1/webhooks/subscriptions/${sub.id}`)).body.data as Row).enabled === false, 5000, "disabled");
    const view = (await h.call("GET", `/api/v1/webhooks/subscriptions/${sub.id}`)).body.data as Row;
    expect(view.disabledReason).toBe(`${gone.url} answered 410 Gone`);
    await h.event("messages.upsert", { sessionId: "s1", data: upsert("m2") });
    await Bun.sleep(500);
    expect(gone.received).toHaveLength(1);
    const deliveries = (await h.call("GET", "/api/v1/webhooks/deliveries")).body.data as Row[];
    expect(deliveries.map((d) => d.status)).toEqual(["cancelled"]);
  });

  test("a 4xx (but 408 and 429) refuses that one event: dead-lettered at once, and the receiver's other events go on", async () => {
    h = await startHarness();
    let fixed = false;
    const r = receiver((got) => (!fixed && (got.json.data.messages as { key: { id: string } }[] | undefined)?.[0]?.key.id === "big" ? 413 : 200));
    await subscribe({ url: r.url });
    await h.event("messages.upsert", { sessionId: "s1", data: upsert("big") });
    for (let i = 1; i <= 20; i++) await h.event("messages.upsert", { sessionId: "s1", data: upsert(`m${i}`) });
    const statuses = () => h.db.sqlite.query<Row, []>("SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status ORDER BY status").all();
    await until(() => JSON.stringify(statuses()) === JSON.stringify([{ status: "dead", n: 1 }, { status: "delivered", n: 20 }]), 20_000, "20 delivered, 1 dead");
    const [dead] = (await h.call("GET", "/api/v1/webhooks/deliveries?status=dead")).body.data as Row[];
    expect(dead).toMatchObject({ attempts: 1, lastStatusCode: 413 });

    fixed = true;
    expect(await h.call("POST", `/api/v1/webhooks/deliveries/${dead!.id}/redeliver`)).toEqual({ status: 202, body: { success: true, data: { queued: 1 } } });
    await until(() => JSON.stringify(statuses()) === JSON.stringify([{ status: "delivered", n: 21 }]), 10_000, "the refused one redelivered");
  });

  test("past the retry horizon a delivery is dead-lettered; it can be redelivered one by one or in bulk", async () => {
    h = await startHarness({ settings: { webhookRetryHorizonMs: 1500 } });
    let healthy = false;
    const r = receiver(() => (healthy ? 200 : 500));
    const sub = await subscribe({ url: r.url });
    for (let i = 1; i <= 3; i++) await h.event("messages.upsert", { sessionId: "s1", data: upsert(`m${i}`) });
    await until(async () => ((await h.call("GET", "/api/v1/webhooks/deliveries?status=dead")).body.data as Row[]).length === 3, 15_000, "3 dead letters");
    const dead = (await h.call("GET", `/api/v1/webhooks/deliveries?status=dead&target=${sub.id}`)).body.data as Row[];
    const one = (await h.call("GET", `/api/v1/webhooks/deliveries/${dead[0]!.id}`)).body.data as Row & { attemptLog: Row[] };
    expect(one.attemptLog.length).toBeGreaterThanOrEqual(1);
    expect(one.attemptLog.length).toBe(one.attempts as number);
    expect(one.attemptLog[0]).toMatchObject({ url: r.url, statusCode: 500, error: "HTTP 500: ok" });
    expect(one.attemptLog[0]!.latencyMs).toBeGreaterThanOrEqual(0);

    healthy = true;
    const before = r.received.length;
    expect(await h.call("POST", `/api/v1/webhooks/deliveries/${dead[0]!.id}/redeliver`)).toEqual({ status: 202, body: { success: true, data: { queued: 1 } } });
    await r.waitFor(before + 1);
    await until(async () => ((await h.call("GET", `/api/v1/webhooks/deliveries/${dead[0]!.id}`)).body.data as Row).status === "delivered", 5000, "redelivered");
    expect(await h.call("POST", "/api/v1/webhooks/deliveries/redeliver", { status: "dead", target: sub.id })).toEqual({ status: 202, body: { success: true, data: { queued: 2 } } });
    await until(async () => ((await h.call("GET", "/api/v1/webhooks/deliveries?status=delivered")).body.data as Row[]).length === 3, 5000, "all delivered");
    const delivered = new Set(r.received.slice(before).map((x) => x.json.eventId));
    expect(delivered).toEqual(new Set(ledgerIds()));
  });
});

describe("isolation and filters", () => {
  test("a receiver that takes 10 s does not hold up a fast one", async () => {
    h = await startHarness({ settings: { webhookTimeoutMs: 15_000 } });
    const slow = receiver(async () => {
      await Bun.sleep(10_000);
      return 200;
    });
    const fast = receiver();
    await subscribe({ url: slow.url });
    await subscribe({ url: fast.url });
    const start = Date.now();
    for (let i = 1; i <= 40; i++) await h.event("messages.upsert", { sessionId: "s1", data: upsert(`m${i}`) });
    await fast.waitFor(40, 5000);
    expect(Date.now() - start).toBeLessThan(5000);
    // The slow one holds at most its per-receiver share of the slots.
    expect(slow.received.length).toBeLessThanOrEqual(4);
  });

  test("per-session filters: a subscription for one session, a session's own URL, and an event-type filter", async () => {
    h = await startHarness();
    const forS1 = receiver();
    const ownUrl = receiver();
    const statusOnly = receiver();
    await subscribe({ url: forS1.url, sessionId: "s1" });
    await subscribe({ url: statusOnly.url, events: ["session.status"] });
    await h.event("session_created", { sessionId: "s2" });
    await statusOnly.waitFor(1); // dispatched before the session has its own URL
    expect(await h.call("PUT", "/api/v1/sessions/s2/webhook", { url: ownUrl.url })).toEqual({ status: 200, body: { success: true, data: { sessionId: "s2", webhookUrl: ownUrl.url } } });
    await h.event("messages.upsert", { sessionId: "s1", data: upsert("a") });
    await h.event("messages.upsert", { sessionId: "s2", data: upsert("b") });
    await h.event("session_connected", { sessionId: "s1" });
    await forS1.waitFor(2);
    await ownUrl.waitFor(1);
    await statusOnly.waitFor(2);
    await Bun.sleep(300);
    expect(forS1.received.map((r) => [r.json.sessionId, r.json.event])).toEqual([
      ["s1", "messages.upsert"],
      ["s1", "session.status"],
    ]);
    expect(ownUrl.received.map((r) => [r.json.sessionId, r.json.event])).toEqual([["s2", "messages.upsert"]]);
    expect(statusOnly.received.map((r) => [r.json.sessionId, r.json.event]).sort()).toEqual([
      ["s1", "session.status"],
      ["s2", "session.status"],
    ]);
    // The session's URL is signed with WEBHOOK_SECRET.
    const got = ownUrl.received[0]!;
    const sig = createHmac("sha256", "global-webhook-secret-0123456789").update(`${got.headers.get("x-webhook-timestamp")}.${got.body}`).digest("hex");
    expect(got.headers.get("x-webhook-signature")).toBe(`v1=${sig}`);
  });

  test("private targets are refused unless allowed, and checked again at delivery (DNS can change)", async () => {
    let address = "93.184.215.14";
    h = await startHarness({ settings: { allowPrivateWebhookUrls: false }, urlPolicy: { allowPrivate: false, resolve: async () => [address] } });
    for (const url of ["http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest"]) {
      const reply = await h.call("POST", "/api/v1/webhooks/subscriptions", { url });
      expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 400, code: "WEBHOOK_URL_FORBIDDEN" });
    }
    expect((await h.call("POST", "/api/v1/webhooks/subscriptions", { url: "ftp://example.com/x" })).status).toBe(400);
    const sub = await subscribe({ url: "http://hooks.example.test/x" });
    address = "127.0.0.1"; // rebinding: the name now points inside
    await h.event("messages.upsert", { sessionId: "s1", data: upsert("m1") });
    await until(() => h.db.sqlite.query("SELECT 1 FROM webhook_attempts").get() !== null, 5000, "an attempt");
    const attempt = h.db.sqlite.query<Row, []>("SELECT url, status_code, error FROM webhook_attempts").get()!;
    expect(attempt).toEqual({ url: "http://hooks.example.test/x", status_code: null, error: expect.stringContaining("refused: host \"hooks.example.test\" resolves to 127.0.0.1") });
    expect(sub.id).toBeString();
  });
});
