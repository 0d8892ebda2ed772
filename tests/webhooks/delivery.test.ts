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
