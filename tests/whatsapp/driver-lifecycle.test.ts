import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import { useRedisAuthState } from "../../src/whatsapp/auth-state/redis-auth-state.ts";
import type { WhatsAppDriver } from "../../src/whatsapp/driver.ts";
import { errorOf, until } from "../simulator/support/baileys-client.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { OpenedSession, pairedSession, sessionAuth, simDriver } from "./support/driver-harness.ts";
import { controlScan, scanUntilLinked } from "../support/link-by-qr.ts";

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
let driver: WhatsAppDriver;
let redisServer: TestRedis;
let redis: Redis;
beforeAll(async () => {
  sim = await createSimulator({ seed: "driver-lifecycle-test" });
  driver = simDriver(sim);
  redisServer = await startTestRedis();
  redis = await connectRedis(redisServer.url, "driver-lifecycle-test");
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop();
  await sim.stop();
});

test("QR pairing: qr, then restart_required; the reopened socket reports open with the phone number", async () => {
  const { account, auth, opened } = await pairedSession(sim, driver, "Ana");
  const open = opened.of("open")[0];
  expect(open?.phoneNumber).toBe(account.phone);
  expect(open?.jid).toBe(account.jid);
  expect(auth.saves).toBeGreaterThan(0);
  expect(auth.memory.creds.me?.id).toStartWith(`${account.phone}:`);
  const closed = await opened.close();
  expect(closed.reason).toBe("closed");
  expect(opened.of("close")).toHaveLength(1);
});

test("pairing code: a code instead of QRs, entered on the phone, then restart_required and open", async () => {
  const bea = sim.control.createAccount({ name: "Bea" });
  const auth = sessionAuth();
  const pairing = new OpenedSession(driver, auth, { pairingPhone: `+${bea.phone}` });
  const { code } = await pairing.next("pairing_code");
  expect(code).toHaveLength(8);
  await until(() => sim.control.pendingPairings().some((p) => p.codeRequestedFor === bea.phone));
  await sim.control.enterPairingCode(bea.phone, code);
  expect((await pairing.next("close")).reason).toBe("restart_required");
  expect(pairing.of("qr")).toHaveLength(0);
  const opened = new OpenedSession(driver, auth);
  expect((await opened.next("open")).phoneNumber).toBe(bea.phone);
  await opened.close();
});

test("creds in Redis: after pairing, a new socket with the stored state opens without any QR", async () => {
  const cy = sim.control.createAccount({ name: "Cy" });
  const key = randomBytes(32);
  // The fence a worker's ownership lease gives it; every auth write checks it.
  const fence = { key: "wag:lease:{cy}", token: "test-worker|1|1" };
  await redis.set(fence.key, fence.token);
  const first = await useRedisAuthState(redis, "cy", { current: key }, fence);
  const pairing = new OpenedSession(driver, first, { sessionId: "cy" });
  await scanUntilLinked(pairing.qrs(), controlScan(sim.control, cy.phone));
  expect((await pairing.next("close")).reason).toBe("restart_required");
  const linked = new OpenedSession(driver, first, { sessionId: "cy" });
  await linked.next("open");
  await linked.close();

  // As a restarted worker would: the auth state is read back from Redis, nothing else is kept.
  const resumed = new OpenedSession(driver, await useRedisAuthState(redis, "cy", { current: key }, fence), { sessionId: "cy" });
  expect((await resumed.next("open")).phoneNumber).toBe(cy.phone);
  expect(resumed.of("qr")).toHaveLength(0);
  await resumed.close();
});

test("close reasons: the phone unlinks the device → logged_out", async () => {
  const { account, opened } = await pairedSession(sim, driver, "Dee");
  sim.control.logoutDevice(account.phone, 2);
  const closed = await opened.next("close");
  expect(closed).toMatchObject({ reason: "logged_out", statusCode: 401 });
});

test("close reasons: another connection takes over → replaced", async () => {
  const { account, opened } = await pairedSession(sim, driver, "Eve");
  expect(sim.control.replaceConnection(account.phone)).toBe(1);
  expect(await opened.next("close")).toMatchObject({ reason: "replaced", statusCode: 440 });
});

test("close reasons: a dropped connection → connection_lost, and the creds still open a new socket", async () => {
  const { account, auth, opened } = await pairedSession(sim, driver, "Fay");
  sim.control.dropConnection(account.phone);
  expect((await opened.next("close")).reason).toBe("connection_lost");
  const again = new OpenedSession(driver, auth);
  await again.next("open");
  await again.close();
});

test("close() is idempotent and emits one close; sends afterwards fail with NOT_CONNECTED", async () => {
  const { account, opened } = await pairedSession(sim, driver, "Gil");
  opened.session.close();
  opened.session.close();
  expect((await opened.next("close")).reason).toBe("closed");
  opened.session.close();
  await opened.session.logout();
  await Bun.sleep(50);
  expect(opened.of("close")).toHaveLength(1);
  const error = await errorOf(opened.session.sendText(account.jid, "too late"));
  expect(error).toMatchObject({ name: "DriverError", code: "NOT_CONNECTED" });
});

test("a socket still pairing refuses sends with NOT_CONNECTED, and close() ends it with reason closed", async () => {
  const pairing = new OpenedSession(driver, sessionAuth());
  await pairing.next("qr");
  const error = await errorOf(pairing.session.sendText("6281234567890@s.whatsapp.net", "hi"));
  expect(error).toMatchObject({ code: "NOT_CONNECTED" });
  expect((await pairing.close()).reason).toBe("closed");
});

test("logout() unlinks the device at WhatsApp and closes with reason closed", async () => {
  const { account, auth, opened } = await pairedSession(sim, driver, "Hal");
  await opened.session.logout();
  expect((await opened.next("close")).reason).toBe("closed");
  await until(() => sim.control.getAccount(account.phone).devices.length === 0);
  const refused = new OpenedSession(driver, auth);
  expect((await refused.next("close")).reason).toBe("logged_out");
});

test("the simulator recorded no handler errors", () => {
  expect(sim.control.errors()).toEqual([]);
});
