import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { addTransactionCapability, proto } from "@whiskeysockets/baileys";
import { randomBytes } from "node:crypto";
import pino from "pino";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import { AuthUnreadableError, clearAuthState, credsReadable, FenceLostError, useRedisAuthState } from "../../src/whatsapp/auth-state/redis-auth-state.ts";
import { endClient, errorOf, nextEvent, socketQr, startClient, waitForClose, waitForOpen } from "../simulator/support/baileys-client.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { controlScan, scanUntilLinked } from "../support/link-by-qr.ts";

let server: TestRedis;
let redis: Redis;
const key = randomBytes(32);

/** Holds the session's lease as a worker would, and returns the fence its writes carry. */
const fenceFor = async (sessionId: string) => {
  const fence = { key: `wag:lease:{${sessionId}}`, token: "test-worker|instance|1" };
  await redis.set(fence.key, fence.token);
  return fence;
};

beforeAll(async () => {
  server = await startTestRedis();
  redis = await connectRedis(server.url, "auth-state-test");
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe("Redis auth state", () => {
  test("keys round-trip by type, nulls delete, and app-state keys come back as protobufs", async () => {
    const auth = await useRedisAuthState(redis, "rt", { current: key }, await fenceFor("rt"));
    await auth.state.keys.set({
      "pre-key": { "1": { public: Buffer.from("pub1"), private: Buffer.from("priv1") }, "2": { public: Buffer.from("p2"), private: Buffer.from("q2") } },
      session: { "123.0": Buffer.from("session-bytes") },
      "app-state-sync-key": { AAA: { keyData: Buffer.from("kd"), timestamp: 5 } },
      "lid-mapping": { "6281": "999@lid" },
    });
    const pre = await auth.state.keys.get("pre-key", ["1", "2", "3"]);
    expect(Object.keys(pre).sort()).toEqual(["1", "2"]);
    expect(Buffer.from(pre["1"]!.private).toString()).toBe("priv1");
    expect(Buffer.from((await auth.state.keys.get("session", ["123.0"]))["123.0"]!).toString()).toBe("session-bytes");
    const appKey = (await auth.state.keys.get("app-state-sync-key", ["AAA"])).AAA;
    expect(appKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(appKey!.keyData!).toString()).toBe("kd");
    await auth.state.keys.set({ "pre-key": { "1": null } });
    expect(Object.keys(await auth.state.keys.get("pre-key", ["1", "2"]))).toEqual(["2"]);
  });

  test("creds persist and reload; values at rest are encrypted and bound to their slot", async () => {
    const auth = await useRedisAuthState(redis, "enc", { current: key }, await fenceFor("enc"));
    auth.state.creds.me = { id: "628111:2@s.whatsapp.net", name: "PLAINTEXT-MARKER" };
    await auth.saveCreds();
    await auth.state.keys.set({ "lid-mapping": { a: "PLAINTEXT-MARKER-2" } });
    const raw = await redis.getBuffer("wag:auth:{enc}:creds");
    expect(raw!.toString("latin1")).not.toContain("PLAINTEXT-MARKER");
    expect((await redis.hgetallBuffer("wag:auth:{enc}:keys:lid-mapping")).a!.toString("latin1")).not.toContain("PLAINTEXT");

    const again = await useRedisAuthState(redis, "enc", { current: key }, await fenceFor("enc"));
    expect(again.state.creds.me?.name).toBe("PLAINTEXT-MARKER");
    expect(Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(auth.state.creds.noiseKey.private))).toBe(true);

    // Another key cannot open it; a value moved to another id is refused, not misread.
    await expect(useRedisAuthState(redis, "enc", { current: randomBytes(32) }, await fenceFor("enc"))).rejects.toThrow();
    await redis.hset("wag:auth:{enc}:keys:lid-mapping", "b", (await redis.hgetBuffer("wag:auth:{enc}:keys:lid-mapping", "a"))!);
    await expect(again.state.keys.get("lid-mapping", ["b"])).rejects.toThrow();
  });

  test("one set is one script call, however many keys (pairing writes ~800 prekeys)", async () => {
    const auth = await useRedisAuthState(redis, "batch", { current: key }, await fenceFor("batch"));
    const monitor = await redis.monitor();
    const commands: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => commands.push(String(args[0]).toLowerCase()));
    const prekeys = Object.fromEntries(Array.from({ length: 812 }, (_, i) => [String(i), { public: randomBytes(32), private: randomBytes(32) }]));
    await auth.state.keys.set({ "pre-key": prekeys, "sender-key-memory": { g: { a: true } } });
    // MONITOR reports asynchronously: a marker command sent afterwards shows everything before it arrived.
    await redis.echo("monitor-marker");
    for (let waited = 0; !commands.includes("echo") && waited < 5000; waited += 20) await Bun.sleep(20);
    monitor.disconnect();
    expect(commands.filter((c) => c === "evalsha" || c === "eval")).toHaveLength(1);
    expect(commands).not.toContain("multi");
    expect(await redis.hlen("wag:auth:{batch}:keys:pre-key")).toBe(812);
  });

  test("clear erases creds and every key type", async () => {
    const auth = await useRedisAuthState(redis, "gone", { current: key }, await fenceFor("gone"));
    await auth.saveCreds();
    await auth.state.keys.set({ session: { x: Buffer.from("s") }, "device-list": { u: ["1", "2"] }, tctoken: { t: { token: Buffer.from("t") } } });
    await auth.clear();
    expect(await redis.keys("wag:auth:{gone}:*")).toEqual([]);
  });
});

describe("a changed AUTH_STATE_KEY", () => {
  /** A session stored under `under`: creds, a Signal session and a prekey. */
  const stored = async (sessionId: string, under: Uint8Array) => {
    const auth = await useRedisAuthState(redis, sessionId, { current: under }, await fenceFor(sessionId));
    auth.state.creds.me = { id: "628222:3@s.whatsapp.net", name: "Rotating" };
    await auth.saveCreds();
    await auth.state.keys.set({ session: { "1.0": Buffer.from("signal-session") }, "pre-key": { "7": { public: Buffer.from("pub7"), private: Buffer.from("priv7") } } });
  };

  test("without the old key the state is auth_unreadable, naming AUTH_STATE_KEY; it can still be erased", async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    await stored("locked", oldKey);
    const err = await errorOf(useRedisAuthState(redis, "locked", { current: newKey }, await fenceFor("locked")));
    expect(err).toBeInstanceOf(AuthUnreadableError);
    expect((err as Error).message).toStartWith("auth_unreadable:");
    expect((err as Error).message).toContain("AUTH_STATE_KEY");
    expect(await credsReadable(redis, "locked", { current: newKey })).toBe("unreadable");
    expect(await credsReadable(redis, "locked", { current: newKey, previous: oldKey })).toBe("readable");
    await clearAuthState(redis, "locked", await fenceFor("locked"));
    expect(await redis.keys("wag:auth:{locked}:*")).toEqual([]);
    expect(await credsReadable(redis, "locked", { current: newKey })).toBe("none");
  });

  test("with the old key as AUTH_STATE_KEY_PREVIOUS everything is read, and re-sealed under the new key at once", async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    await stored("rotate", oldKey);
    const rotated = await useRedisAuthState(redis, "rotate", { current: newKey, previous: oldKey }, await fenceFor("rotate"));
    expect(rotated.resealed).toBe(3);
    expect(rotated.state.creds.me?.name).toBe("Rotating");

    // The new key alone now reads all of it: the old one can be dropped.
    const after = await useRedisAuthState(redis, "rotate", { current: newKey }, await fenceFor("rotate"));
    expect(after.resealed).toBe(0);
    expect(after.state.creds.me?.name).toBe("Rotating");
    expect(Buffer.from((await after.state.keys.get("session", ["1.0"]))["1.0"]!).toString()).toBe("signal-session");
    expect(Buffer.from((await after.state.keys.get("pre-key", ["7"]))["7"]!.private).toString()).toBe("priv7");
    await expect(useRedisAuthState(redis, "rotate", { current: oldKey }, await fenceFor("rotate"))).rejects.toBeInstanceOf(AuthUnreadableError);
  });

  test("a value read under the old key but written since is not rolled back by its re-seal", async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const old = await useRedisAuthState(redis, "race", { current: oldKey }, await fenceFor("race"));
    await old.saveCreds();
    const rotated = await useRedisAuthState(redis, "race", { current: newKey, previous: oldKey }, await fenceFor("race"));
    // A worker still on the old key writes a Signal session after the rotation...
    await old.state.keys.set({ session: { s: Buffer.from("v1") } });
    // ...and the new owner reads it (Redis runs one connection's commands in order: the read, this write,
    // then the read's re-seal), writing a newer value before the stale one is re-sealed.
    const got = rotated.state.keys.get("session", ["s"]);
    await rotated.state.keys.set({ session: { s: Buffer.from("v2") } });
    expect(Buffer.from((await got).s!).toString()).toBe("v1");
    expect(Buffer.from((await rotated.state.keys.get("session", ["s"])).s!).toString()).toBe("v2");
  });
});

describe("fencing by the session's ownership lease", () => {
  test("once the lease belongs to someone else, no write lands: keys, creds and clear are all refused", async () => {
    const auth = await useRedisAuthState(redis, "fenced", { current: key }, await fenceFor("fenced"));
    await auth.state.keys.set({ session: { a: Buffer.from("v1") } });
    await auth.saveCreds();
    const before = await redis.getBuffer("wag:auth:{fenced}:creds");

    await redis.set("wag:lease:{fenced}", "other-worker|x|2");
    expect(await errorOf(Promise.resolve(auth.state.keys.set({ session: { a: Buffer.from("stale"), b: Buffer.from("new") } })))).toBeInstanceOf(FenceLostError);
    auth.state.creds.me = { id: "1:1@s.whatsapp.net", name: "stale" };
    expect(await errorOf(auth.saveCreds())).toBeInstanceOf(FenceLostError);
    expect(await errorOf(auth.clear())).toBeInstanceOf(FenceLostError);

    expect(await redis.hexists("wag:auth:{fenced}:keys:session", "b")).toBe(0);
    expect(Buffer.from((await auth.state.keys.get("session", ["a"])).a!).toString()).toBe("v1");
    expect((await redis.getBuffer("wag:auth:{fenced}:creds"))!.equals(before!)).toBe(true);

    await redis.del("wag:lease:{fenced}");
    expect(await errorOf(Promise.resolve(auth.state.keys.set({ session: { c: Buffer.from("x") } })))).toBeInstanceOf(FenceLostError);
  });
});

describe("with the unmodified Baileys client and the simulator", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ seed: "redis-auth-state" });
  });
  afterAll(() => sim.stop());

  test("a session paired into Redis resumes from Redis alone, without a new QR, with its Signal sessions intact", async () => {
    const alice = sim.control.createAccount({ name: "Alice" });
    const carol = sim.control.createAccount({ name: "Carol" });
    const log = pino({ level: "silent" });
    /** What a worker does: load the state from Redis and hand it to Baileys, saving creds on every update. */
    const connect = async () => {
      const stored = await useRedisAuthState(redis, "alice", { current: key }, await fenceFor("alice"));
      const auth = { creds: stored.state.creds, keys: addTransactionCapability(stored.state.keys, log, { maxCommitRetries: 3, delayBetweenTriesMs: 10 }) };
      const sock = startClient(sim, auth);
      sock.ev.on("creds.update", () => void stored.saveCreds());
      return { sock, stored };
    };

    const pairing = await connect();
    const qrs = socketQr(pairing.sock);
    const restart = waitForClose(pairing.sock);
    await scanUntilLinked(qrs, controlScan(sim.control, alice.phone));
    expect(await restart).toBe(515);
    await pairing.stored.saveCreds();

    // First login: Carol writes (pkmsg) and Alice answers, which sets up Signal sessions both ways.
    const first = await connect();
    await waitForOpen(first.sock);
    const hello = nextEvent(first.sock, "messages.upsert", (u) => u.messages.some((m) => m.message?.conversation === "hello"));
    expect((await sim.control.sendText(carol.phone, alice.phone, "hello")).encTypes).toEqual(["pkmsg"]);
    await hello;
    const reply = await first.sock.sendMessage(carol.jid, { text: "hi carol" });
    await sim.control.waitForInbox(carol.phone, (e) => e.id === reply?.key.id);
    endClient(first.sock);
    await Bun.sleep(100);

    // Another "worker" with nothing but Redis and the key: no QR, and a plain `msg` (no prekey) still decrypts.
    const second = await connect();
    let sawQr = false;
    second.sock.ev.on("connection.update", (u) => (sawQr ||= !!u.qr));
    await waitForOpen(second.sock);
    const again = nextEvent(second.sock, "messages.upsert", (u) => u.messages.some((m) => m.message?.conversation === "still there?"));
    expect((await sim.control.sendText(carol.phone, alice.phone, "still there?")).encTypes).toEqual(["msg"]);
    expect((await again).messages[0]?.key).toMatchObject({ remoteJid: carol.lid, remoteJidAlt: carol.jid });
    const sent = await second.sock.sendMessage(carol.jid, { text: "yes, from redis state" });
    const got = await sim.control.waitForInbox(carol.phone, (e) => e.id === sent?.key.id);
    expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe("yes, from redis state");
    expect(sawQr).toBe(false);
    endClient(second.sock);
  });
});
