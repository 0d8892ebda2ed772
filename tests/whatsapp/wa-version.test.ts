import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { DEFAULT_CONNECTION_CONFIG } from "@whiskeysockets/baileys";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import { createBaileysDriver } from "../../src/whatsapp/baileys/baileys-driver.ts";
import type { WhatsAppDriver } from "../../src/whatsapp/driver.ts";
import { DEFAULT_WA_VERSION, formatWaVersion, type WaVersion } from "../../src/config/wa-version.ts";
import { MemoryPollStore, OpenedSession, pairedSession, sessionAuth, simDriver, testLog } from "./support/driver-harness.ts";

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(30_000);

/** A version WhatsApp still accepts once it has retired the pinned one. */
const CURRENT: WaVersion = [DEFAULT_WA_VERSION[0], DEFAULT_WA_VERSION[1], DEFAULT_WA_VERSION[2] + 1];

/** WhatsApp after it retired the pinned version. */
let retiring: Simulator;
beforeAll(async () => {
  retiring = await createSimulator({ seed: "driver-wa-version", media: false, minClientVersion: CURRENT });
});
afterAll(() => retiring.stop());

const driverAnnouncing = (sim: Simulator, version: WaVersion): WhatsAppDriver =>
  createBaileysDriver({ endpoint: { wsUrl: sim.url, trustKey: sim.rootPublicKey, version }, polls: new MemoryPollStore(), log: testLog });

const lastAnnounced = (sim: Simulator) => sim.control.clientVersions().at(-1);

test("the pinned default is Baileys rc14's built-in version: an upgrade that changes it must change the pin on purpose", () => {
  expect([...DEFAULT_WA_VERSION]).toEqual(DEFAULT_CONNECTION_CONFIG.version);
});

test("the version set on the endpoint is the one the session announces", async () => {
  const configured = new OpenedSession(driverAnnouncing(retiring, [2, 3000, 1099999999]), sessionAuth(), { sessionId: "configured" });
  await configured.next("qr");
  const announced = lastAnnounced(retiring);
  expect({ device: announced?.device, version: announced?.version, refused: announced?.refused }).toEqual({ device: null, version: "2.3000.1099999999", refused: false });
  await configured.close();
});

test("once WhatsApp retires the pinned version, a default session closes as version_refused naming it, with no QR", async () => {
  const session = new OpenedSession(simDriver(retiring), sessionAuth(), { sessionId: "retired" });
  const closed = await session.next("close");
  expect(closed).toEqual({
    type: "close",
    reason: "version_refused",
    statusCode: 405,
    message: `Connection Failure: WhatsApp refused WA Web version ${formatWaVersion(DEFAULT_WA_VERSION)}`,
  });
  expect(session.of("qr")).toEqual([]);
  const announced = lastAnnounced(retiring);
  expect({ device: announced?.device, version: announced?.version, refused: announced?.refused }).toEqual({ device: null, version: formatWaVersion(DEFAULT_WA_VERSION), refused: true });
});

test("with the current version configured, the same server links the session and it reconnects with that version", async () => {
  const { account, opened } = await pairedSession(retiring, driverAnnouncing(retiring, CURRENT), "Current");
  const announced = lastAnnounced(retiring);
  expect({ version: announced?.version, refused: announced?.refused }).toEqual({ version: formatWaVersion(CURRENT), refused: false });
  expect(announced?.device).toMatch(new RegExp(`^${account.phone}:\\d+$`));
  expect((await opened.close()).reason).toBe("closed");
});
