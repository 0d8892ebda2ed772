import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { placedKey } from "../../src/cluster/names.ts";
import { openDatabase, type GatewayDatabase } from "../../src/platform/db/database.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { SqliteEventLedgerStore } from "../../src/registry/events/sqlite-event-ledger-store.ts";
import { PlacementMirror } from "../../src/placement/placement-mirror.ts";
import { Rebalancer } from "../../src/placement/rebalancer.ts";
import { PlacementService } from "../../src/placement/service.ts";
import { SqlitePlacementHistoryStore } from "../../src/placement/sqlite-placement-history-store.ts";
import { SqliteSessionStore } from "../../src/sessions/sqlite-session-store.ts";
import type { WorkerRow } from "../../src/registry/workers/schema.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";

// Placement over a real SQLite file and a real Redis; the worker registry is a plain list (its own tests cover it).
const log = createLogger("silent");
let server: TestRedis;
let redis: Redis;
let dir: { path: string; remove(): void };
let db: GatewayDatabase;
let workers: WorkerRow[];

beforeAll(async () => {
  server = await startTestRedis();
  redis = await connectRedis(server.url, "placement-test");
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});
beforeEach(async () => {
  await redis.flushall();
  dir = makeTempDir("wag-place-");
  db = openDatabase(dir.path, log);
  workers = [];
});
afterEach(() => {
  db.close();
  dir.remove();
});

function worker(id: string, maxSessions: number, status: WorkerRow["status"] = "ONLINE"): WorkerRow {
  const w: WorkerRow = { id, endpoint: `http://${id}`, description: null, status, maxSessions, currentSessions: 0, version: null, environment: "TESTING", lastHeartbeat: 1, createdAt: 1, updatedAt: 1, unregisteredAt: null, offlineReason: null };
  workers.push(w);
  return w;
}

function session(id: string, status = "created"): string {
  db.sqlite.run("INSERT INTO sessions (id, status, created_at, updated_at) VALUES (?, ?, 1, 1)", [id, status]);
  return id;
}

function service(): PlacementService {
  return new PlacementService({ sessions: new SqliteSessionStore(db), history: new SqlitePlacementHistoryStore(db.orm), workers: { all: () => workers, get: (id) => workers.find((w) => w.id === id) }, mirror: new PlacementMirror(redis), now: Date.now, log });
}

const statusOf = (id: string) => db.sqlite.query<{ status: string; placed_on: string | null }, [string]>("SELECT status, placed_on FROM sessions WHERE id = ?").get(id);

test("each session goes to the least loaded worker relative to its MAX_SESSIONS, and the worker's Redis set says so", async () => {
  worker("a", 10);
  worker("b", 2);
  worker("m", 50, "MAINTENANCE");
  const p = service();
  const placed = [];
  for (const id of ["s1", "s2", "s3", "s4"]) placed.push(await p.placeForStart(session(id)));
  // a 0/10 vs b 0/2: a (by id); then b (0 < 0.1); then a (0.1 < 0.5); then a (0.2 < 0.5). Never the MAINTENANCE one.
  expect(placed).toEqual(["a", "b", "a", "a"]);
  expect((await redis.smembers(placedKey("a"))).sort()).toEqual(["s1", "s3", "s4"]);
  expect(await redis.smembers(placedKey("b"))).toEqual(["s2"]);
  expect(statusOf("s2")?.placed_on).toBe("b");
  // A second START keeps the session where it is.
  expect(await p.placeForStart("s2")).toBe("b");
});

test("with every worker full a START waits as pending_capacity, and is placed once room frees up", async () => {
  worker("a", 1);
  const p = service();
  expect(await p.placeForStart(session("first"))).toBe("a");
  expect(await p.placeForStart(session("second"))).toBeUndefined();
  expect(statusOf("second")).toEqual({ status: "pending_capacity", placed_on: null });
  expect(p.pendingSessions()).toEqual(["second"]);
  const placed = new Promise<string | undefined>((resolve) => {
    const stop = p.watch("second", () => {
      stop();
      resolve(p.where("second"));
    });
  });
  await p.unplace("first", "stop");
  expect(await placed).toBe("a");
  expect(await redis.smembers(placedKey("a"))).toEqual(["second"]);
  expect(p.history({ sessionId: "second", limit: 10 }).map((h) => [h.fromWorker, h.toWorker, h.reason])).toEqual([
    [null, "a", "capacity"],
    [null, null, "capacity"],
  ]);
});

test("a dead worker's sessions fail over (waiting for room if none); a draining one keeps what fits nowhere", async () => {
  const a = worker("a", 2);
  worker("b", 1);
  const p = service();
  for (const id of ["s1", "s2", "s3"]) await p.placeForStart(session(id));
  expect(p.sessionsOn("a").length).toBe(2);
  a.status = "MAINTENANCE";
  expect(await p.evacuate("a", "drain")).toBe(0); // b is full: a keeps both
  expect(p.sessionsOn("a").length).toBe(2);
  a.status = "OFFLINE";
  expect(await p.evacuate("a", "failover")).toBe(2);
  expect(p.sessionsOn("a")).toEqual([]);
  expect(p.pendingSessions().length).toBe(2);
  expect(await redis.smembers(placedKey("a"))).toEqual([]);
});

test("rebalancing moves idle connected sessions to an emptier worker until even, then stops: no ping-pong", async () => {
  worker("a", 10);
  const p = service();
  for (const id of ["busy", "idle1", "idle2", "mid"]) await p.placeForStart(session(id, "connected"));
  // Activity is each session's latest ledger event: idle1's is the oldest, busy's the newest.
  const ledger = new SqliteEventLedgerStore(db);
  for (const id of ["idle1", "idle2", "mid", "busy"]) ledger.append({ event: "messages.upsert", source: "events", workerId: "a", sessionId: id, data: {}, receivedAt: Date.now() });
  worker("b", 10);
  const rebalancer = new Rebalancer({ sessions: new SqliteSessionStore(db), ledger, placement: p, workers: { all: () => workers, get: (id) => workers.find((w) => w.id === id) }, perMinute: 60_000, now: Date.now, log });
  for (let i = 0; i < 5; i++) {
    await rebalancer.tick();
    await Bun.sleep(20);
  }
  expect(p.sessionsOn("b").sort()).toEqual(["idle1", "idle2"]);
  expect(p.sessionsOn("a").sort()).toEqual(["busy", "mid"]);
  // Sessions that just moved stay put for a while, even at 1 against 3: nothing goes back and forth.
  await p.move("mid", "b", "move");
  for (let i = 0; i < 5; i++) await rebalancer.tick();
  expect([p.sessionsOn("a").length, p.sessionsOn("b").length]).toEqual([1, 3]);
});
