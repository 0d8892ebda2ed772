import { afterEach, describe, expect, test } from "bun:test";
import { registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

const status = (id: string) => r.db.sqlite.query<{ status: string; offline_reason: string | null }, [string]>("SELECT status, offline_reason FROM workers WHERE id = ?").get(id);
const offlineEvents = (id: string) =>
  r.db.sqlite.query<{ data: string; sequence: number }, [string]>("SELECT data, sequence FROM event_ledger WHERE event = 'worker_offline' AND worker_id = ?").all(id);
const beat = (id: string) => r.call("PUT", `/api/v1/workers/${id}/heartbeat`, { body: { status: "ONLINE" } });

describe("liveness", () => {
  test("a worker silent past the heartbeat timeout goes OFFLINE with a worker_offline event; one that beats stays ONLINE", async () => {
    r = startTestRegistry({ settings: { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 250 }, start: true });
    await r.call("POST", "/api/v1/workers/register", { body: registration("silent") });
    await r.call("POST", "/api/v1/workers/register", { body: registration("beating") });
    const deadline = Date.now() + 5_000;
    while (status("silent")!.status === "ONLINE" && Date.now() < deadline) {
      expect((await beat("beating")).status).toBe(200);
      await Bun.sleep(50);
    }
    expect(status("silent")).toEqual({ status: "OFFLINE", offline_reason: "heartbeat_timeout" });
    expect(status("beating")).toEqual({ status: "ONLINE", offline_reason: null });
    const events = offlineEvents("silent");
    expect(events.length).toBe(1);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ reason: "heartbeat_timeout" });
    expect(offlineEvents("beating")).toEqual([]);

    // Still registered: its next heartbeat brings it back, and no second event is stored meanwhile.
    await Bun.sleep(150);
    expect(offlineEvents("silent").length).toBe(1);
    expect((await beat("silent")).status).toBe(200);
    expect(status("silent")).toEqual({ status: "ONLINE", offline_reason: null });
  });

  test("after a coordinator restart, workers get a full timeout to heartbeat before they are marked OFFLINE", async () => {
    let now = 1_000_000;
    r = startTestRegistry({ now: () => now });
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    r.close({ keepData: true });

    now += 3_600_000; // the coordinator was down for an hour
    r = startTestRegistry({ dataDir: r.dataDir, now: () => now });
    expect(r.registry.workers.sweep(30_000)).toEqual([]);
    now += 20_000;
    expect((await beat("w1")).status).toBe(200);
    now += 29_000;
    expect(r.registry.workers.sweep(30_000)).toEqual([]);
    now += 2_000;
    expect(r.registry.workers.sweep(30_000)).toEqual(["w1"]);
    expect(status("w1")!.status).toBe("OFFLINE");
  });
});
