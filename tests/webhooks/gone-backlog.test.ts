import { afterEach, expect, test } from "bun:test";
import { startHarness, startReceiver, until, type Harness, type Receiver } from "./support.ts";

const TARGET_LIMIT = 16;
let h: Harness;
let receiver: Receiver;
afterEach(async () => {
  receiver.stop();
  await h.close();
});

const upsert = (id: string) => ({ messages: [{ key: { remoteJid: "628111@s.whatsapp.net", fromMe: false, id }, message: { conversation: "hi" }, pushName: "Budi" }], type: "notify" });

test("a 410 drops the deliveries already queued for that receiver: none is POSTed after it, each is recorded cancelled with the reason", async () => {
  // The defaults: 64 deliveries at once over all receivers, 16 to one.
  h = await startHarness({ settings: { webhookConcurrency: 64, webhookTargetConcurrency: TARGET_LIMIT } });
  // Quick answers (well within the gate's slot wait), so deliveries over the per-receiver limit wait for a slot
  // rather than park: those are the ones that used to go out after the 410.
  let goneAt: number | undefined;
  receiver = startReceiver(async (r) => {
    await Bun.sleep(20);
    if (goneAt === undefined && receiver.received.indexOf(r) < 10) return 200;
    goneAt ??= Date.now();
    return 410;
  });
  const sub = (await h.call("POST", "/api/v1/webhooks/subscriptions", { url: receiver.url })).body.data as { id: string };
  const EVENTS = 300;
  for (let i = 1; i <= EVENTS; i++) await h.event("messages.upsert", { sessionId: "s1", data: upsert(`m${i}`) });

  const statuses = () => h.db.sqlite.query<{ status: string; n: number }, []>("SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status").all();
  await until(() => statuses().every((s) => s.status !== "pending") && statuses().reduce((n, s) => n + s.n, 0) === EVENTS, 30_000, "every delivery settled");
  // A POST still out when the 410 cancelled the rest records its attempt when it returns, through the store's
  // group commit: wait for those writes before counting.
  const attemptedNow = () => h.db.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_deliveries WHERE attempts > 0").get()!.n;
  await until(() => attemptedNow() === receiver.received.length, 10_000, "every POST recorded as an attempt");
  const attempted = attemptedNow();
  const after410 = receiver.received.filter((r) => goneAt !== undefined && r.at > goneAt).length;
  // Only POSTs already on the wire when the 410 came back can still arrive: fewer than the per-receiver limit.
  expect(after410).toBeLessThan(TARGET_LIMIT);

  const cancelled = h.db.sqlite
    .query<{ n: number; reason: string | null }, [string]>("SELECT count(*) AS n, max(last_error) AS reason FROM webhook_deliveries WHERE status = 'cancelled' AND target = ? AND attempts = 0")
    .get(sub.id)!;
  expect(cancelled.n).toBeGreaterThan(EVENTS / 2);
  expect(cancelled.reason).toContain("410 Gone");
  // Every delivery that was not POSTed is on record as dropped, not lost.
  expect(attempted + cancelled.n).toBe(EVENTS);
});
