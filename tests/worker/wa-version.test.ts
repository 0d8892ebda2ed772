import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_WA_VERSION, formatWaVersion, type WaVersion } from "../../src/config/wa-version.ts";
import { WorkerWorld } from "./support/worker-world.ts";

/*
 * The spawned gateway against a simulator that, like WhatsApp on 2026-07-28 (WAHA #2191), has retired
 * the WA Web version the gateway pins: with the default every session fails at once with a named error;
 * with --wa-version set to a version still accepted, sessions link and announce exactly that version.
 */

const CURRENT: WaVersion = [DEFAULT_WA_VERSION[0], DEFAULT_WA_VERSION[1], DEFAULT_WA_VERSION[2] + 1];
const retiredPin = { minClientVersion: CURRENT };
const OVERRIDE_WARNING = "announcing a WA Web version other than the pinned one (--wa-version)";

describe("the pinned version, once retired", () => {
  let world: WorkerWorld;
  beforeAll(async () => {
    world = await WorkerWorld.start({ seed: "wa-version-pinned", simulator: retiredPin });
  });
  afterAll(() => world.stop());

  test("a session ends in error at once, naming the refused version and --wa-version, without a QR or retries", async () => {
    await world.api("POST", "/api/v1/sessions", { sessionId: "stale" });
    const session = await world.waitStatus("stale", "error");
    expect(String(session.lastError)).toBe(
      `version_refused: Connection Failure: WhatsApp refused WA Web version ${formatWaVersion(DEFAULT_WA_VERSION)}; set --wa-version (WA_VERSION) to the current WA Web version and restart`,
    );
    expect(world.logged("reconnecting after a backoff").filter((l) => l.sessionId === "stale")).toEqual([]);
    expect((await world.api("GET", "/api/v1/sessions/stale/qr")).status).not.toBe(200);
    const announced = world.sim.control.clientVersions();
    expect(announced.map((v) => ({ version: v.version, refused: v.refused }))).toEqual([{ version: formatWaVersion(DEFAULT_WA_VERSION), refused: true }]);
    // The pinned version is no override: nothing to warn about.
    expect(world.logged(OVERRIDE_WARNING)).toEqual([]);
  });
});

describe("--wa-version set to a version WhatsApp accepts", () => {
  let world: WorkerWorld;
  beforeAll(async () => {
    world = await WorkerWorld.start({ seed: "wa-version-override", simulator: retiredPin, args: [`--wa-version=${formatWaVersion(CURRENT)}`] });
  });
  afterAll(() => world.stop());

  test("is logged as a warning at startup; sessions link, and every connection announces exactly that version", async () => {
    const warnings = world.logged(OVERRIDE_WARNING);
    expect(warnings.map((l) => ({ level: l.level, waVersion: l.waVersion, pinned: l.pinned }))).toEqual([
      { level: 40, waVersion: formatWaVersion(CURRENT), pinned: formatWaVersion(DEFAULT_WA_VERSION) },
    ]);
    const { phone } = await world.link("fresh");
    const announced = world.sim.control.clientVersions();
    expect(announced.length).toBeGreaterThanOrEqual(2);
    expect(new Set(announced.map((v) => `${v.version} refused=${v.refused}`))).toEqual(new Set([`${formatWaVersion(CURRENT)} refused=false`]));
    // The last one is the login after pairing, as the linked device.
    expect(announced.at(-1)?.device).toStartWith(`${phone}:`);
  });
});
