import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-pairing" });
});
afterAll(() => world.stop());

test("a session pairs by QR through the API, and the worker reports every step to the coordinator", async () => {
  const biz = await world.link("shop");
  // connection.update "open" (first in the outbox) already reads as connected; the phone number comes with the
  // session-status report right behind it, so a read in between sees connected without it (noted as open).
  const session = await world.until("the phone number reported", async () => {
    const s = await world.session("shop");
    return s.phoneNumber ? s : undefined;
  });
  expect(session).toMatchObject({ status: "connected", phoneNumber: biz.phone, workerId: "worker-test", hasQr: false });

  const db = world.db();
  const events = db.query<{ event: string; source: string; data: string }, []>("SELECT event, source, data FROM event_ledger WHERE session_id = 'shop' ORDER BY position").all();
  db.close();
  const names = events.map((e) => `${e.source}:${e.event}`);
  expect(names).toContain("session-status:qr_ready");
  expect(names).toContain("events:session_qr_ready");
  expect(names).toContain("events:session_connected");
  const qr = JSON.parse(events.find((e) => e.event === "qr_ready")!.data) as Record<string, string>;
  expect(qr.qrCode).toStartWith("data:image/png;base64,");
  expect(qr.qrString).toContain("@");
  const updates = events.filter((e) => e.event === "connection.update").map((e) => JSON.parse(e.data) as Record<string, unknown>);
  expect(updates.some((u) => u.connection === "connecting" && typeof u.qr === "string")).toBe(true);
  expect(updates.at(-1)).toEqual({ connection: "open" });
  expect(JSON.parse(events.find((e) => e.event === "session_connected")!.data)).toMatchObject({ status: "connected", phoneNumber: `+${biz.phone}` });
});

test("SEND_TEXT with mentions reaches the recipient's phone, and delivered/read come back as statuses", async () => {
  const carol = world.sim.control.createAccount({ name: "Carol" });
  const dave = world.sim.control.createAccount({ name: "Dave" });
  const job = await world.job("/api/v1/sessions/shop/messages/text", { to: carol.jid, text: `hi @${dave.phone}`, mentions: [dave.jid] });
  expect(job.state).toBe("completed");
  const result = job.result as { messageId: string; to: string; timestamp: number };
  expect(result.to).toBe(carol.jid);
  const got = await world.sim.control.waitForInbox(carol.phone, (e) => e.id === result.messageId);
  expect(got.message.extendedTextMessage?.text).toBe(`hi @${dave.phone}`);
  expect(got.message.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([dave.jid]);

  const status = await world.until("the read status", () => {
    const db = world.db();
    const row = db.query<{ status: string }, [string]>("SELECT status FROM message_statuses WHERE message_id = ?").get(result.messageId);
    db.close();
    return row?.status === "read" ? row.status : undefined;
  });
  expect(status).toBe("read");
});

test("a contact's message arrives as contract B's messages.upsert", async () => {
  const erin = world.sim.control.createAccount({ name: "Erin" });
  const biz = (await world.session("shop")).phoneNumber as string;
  const sent = await world.sim.control.sendText(erin.phone, biz, "Halo bot!");
  const upsert = await world.until("messages.upsert", () => {
    const db = world.db();
    const rows = db.query<{ data: string }, []>("SELECT data FROM event_ledger WHERE event = 'messages.upsert' AND session_id = 'shop'").all();
    db.close();
    return rows.map((r) => JSON.parse(r.data) as { messages: { key: { id: string } }[]; type: string }).find((u) => u.messages.some((m) => m.key.id === sent.id));
  });
  expect(upsert.type).toBe("notify");
  const message = upsert.messages[0] as unknown as { key: Record<string, unknown>; message: Record<string, unknown>; pushName: string };
  expect(message.key).toMatchObject({ remoteJid: erin.jid, fromMe: false, id: sent.id });
  expect(message.message.conversation).toBe("Halo bot!");
  expect(message.pushName).toBe("Erin");
});

test("with a phone number, START_SESSION asks for a pairing code instead of QR codes, and entering it links the phone", async () => {
  const owner = world.sim.control.createAccount({ name: "Coded" });
  expect((await world.api("POST", "/api/v1/sessions", { sessionId: "coded", phoneNumber: `+${owner.phone}` })).status).toBe(202);
  const pending = await world.until("a pairing code", async () => {
    const s = await world.session("coded");
    return typeof s.pairingCode === "string" ? s : undefined;
  });
  expect(pending).toMatchObject({ status: "pairing_code", hasQr: false });
  await world.sim.control.enterPairingCode(owner.phone, pending.pairingCode as string);
  const linked = await world.waitStatus("coded", "connected");
  expect(linked).toMatchObject({ phoneNumber: owner.phone, pairingCode: null });
});
