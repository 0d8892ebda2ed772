import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseQr } from "../../src/simulator/control/qr-code.ts";
import { deriveSecret, keyPairFromSecret } from "../../src/simulator/crypto/curve.ts";
import { controlScan, scanUntilLinked } from "../support/link-by-qr.ts";
import { WorkerWorld } from "./support/worker-world.ts";

/*
 * The gateway, as a user runs it, against the simulator of today's WhatsApp: a refreshed QR reaches
 * every place a user reads it from; a refused pairing code is an error, never a dead code; a server
 * that cannot prove it is WhatsApp (or the configured simulator) is refused before any QR.
 */

interface LedgerRow {
  event: string;
  source: string;
  data: string;
}
const ledger = (world: WorkerWorld, sessionId: string): LedgerRow[] => {
  const db = world.db();
  try {
    return db.query<LedgerRow, [string]>("SELECT event, source, data FROM event_ledger WHERE session_id = ? ORDER BY position").all(sessionId);
  } finally {
    db.close();
  }
};
const apiQr = async (world: WorkerWorld, sessionId: string): Promise<string | undefined> => {
  const reply = await world.api<{ qr: string }>("GET", `/api/v1/sessions/${sessionId}/qr`);
  return reply.status === 200 ? reply.body.data.qr : undefined;
};

describe("today's WhatsApp, through the gateway", () => {
  let world: WorkerWorld;
  beforeAll(async () => {
    world = await WorkerWorld.start({ seed: "linking-2026" });
  });
  afterAll(() => world.stop());

  test("a refreshed QR reaches GET /qr, the session-status webhook and the events at once; its scan links", async () => {
    const phone = world.sim.control.createAccount({ name: "Refreshed" }).phone;
    await world.api("POST", "/api/v1/sessions", { sessionId: "fresh" });
    const source = world.apiQr("fresh");
    const first = await source.next();
    await expect(world.sim.control.scanQr(phone, first)).rejects.toThrow(/refreshed/);
    const refreshedAt = Date.now();
    const second = await source.next(first);
    expect(Date.now() - refreshedAt).toBeLessThan(2_000);
    expect(parseQr(second).ref).toBe(parseQr(first).ref);
    expect(parseQr(second).advSecret.equals(parseQr(first).advSecret)).toBe(false);
    // The same QR string is already in the contract A webhook and in contract B's connection.update.
    const rows = ledger(world, "fresh");
    const webhookQrs = rows.filter((r) => r.event === "qr_ready").map((r) => (JSON.parse(r.data) as { qrString: string }).qrString);
    const updateQrs = rows.filter((r) => r.event === "connection.update").map((r) => (JSON.parse(r.data) as { qr?: string }).qr);
    expect(webhookQrs).toContain(second);
    expect(updateQrs).toContain(second);
    expect(rows.filter((r) => r.event === "session_qr_ready").length).toBeGreaterThanOrEqual(2);
    expect(await scanUntilLinked(source, controlScan(world.sim.control, phone))).toBe(0);
    await world.waitStatus("fresh", "connected");
  });

  test("a pairing code WhatsApp accepts is shown and links", async () => {
    const phone = world.sim.control.createAccount({ name: "By code" }).phone;
    await world.api("POST", "/api/v1/sessions", { sessionId: "coded", phoneNumber: `+${phone}` });
    const waiting = await world.waitStatus("coded", "pairing_code");
    expect(waiting.pairingCode).toMatch(/^[A-Z0-9]{8}$/);
    await world.sim.control.enterPairingCode(phone, waiting.pairingCode as string);
    await world.waitStatus("coded", "connected");
  });

  test("a pairing code WhatsApp refuses: the session errors with pairing_code_refused and no code is ever shown", async () => {
    await world.api("POST", "/api/v1/sessions", { sessionId: "refused", phoneNumber: "+4915999999999" });
    const failed = await world.waitStatus("refused", "error");
    expect(failed.lastError).toStartWith("pairing_code_refused:");
    expect(failed.lastError).toContain("item-not-found");
    expect(failed.pairingCode).toBeNull();
    expect(ledger(world, "refused").some((r) => r.data.includes('"pairing_code"'))).toBe(false);
  });
});

describe("a server that cannot prove it is WhatsApp", () => {
  const refusedBeforeAnyQr = async (world: WorkerWorld) => {
    await world.api("POST", "/api/v1/sessions", { sessionId: "victim" });
    const failed = await world.waitStatus("victim", "error");
    expect(failed.lastError).toStartWith("untrusted_server:");
    expect(failed.hasQr).toBe(false);
    expect(await apiQr(world, "victim")).toBeUndefined();
    const rows = ledger(world, "victim");
    expect(rows.some((r) => r.event === "qr_ready" || r.data.includes('"qr"'))).toBe(false);
    // Given up, not retried: offering a possible attacker the creds again helps nobody.
    expect(world.sim.control.pendingPairings()).toEqual([]);
  };

  test("with no --wa-trust-key (WhatsApp's own root), the simulator is refused", async () => {
    const world = await WorkerWorld.start({ seed: "untrusted-default", trustKey: null });
    try {
      await refusedBeforeAnyQr(world);
    } finally {
      await world.stop();
    }
  });

  test("with a wrong --wa-trust-key, it is refused", async () => {
    const world = await WorkerWorld.start({ seed: "untrusted-wrong", trustKey: keyPairFromSecret(deriveSecret("elsewhere", "noise-root")).public });
    try {
      await refusedBeforeAnyQr(world);
    } finally {
      await world.stop();
    }
  });
});
