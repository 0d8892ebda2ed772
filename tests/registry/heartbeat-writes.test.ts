import { afterEach, expect, test } from "bun:test";
import { FLUSH_INTERVAL_MS } from "../../src/registry/workers/heartbeat-writer.ts";
import { registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

const row = () => r.db.sqlite.query<{ last_heartbeat: number; current_sessions: number }, []>("SELECT last_heartbeat, current_sessions FROM workers WHERE id = 'w1'").get()!;
const metricsCount = () => r.db.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM worker_metrics").get()!.n;
const beat = (total: number) => r.registry.workers.heartbeat("w1", { status: "ONLINE", sessions: { total } });
const commitTick = () => Bun.sleep(FLUSH_INTERVAL_MS * 3);

test("heartbeats are committed within a few milliseconds; the worker row is rewritten when it changes or falls a second behind", async () => {
  let now = 1_000_000;
  r = startTestRegistry({ now: () => now });
  await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
  beat(1);
  expect(metricsCount()).toBe(0);
  await commitTick();
  expect(metricsCount()).toBe(1);
  expect(row()).toEqual({ last_heartbeat: now, current_sessions: 1 });

  const first = now;
  now += 400;
  beat(1);
  await commitTick();
  // Nothing changed and it is under a second behind: only the metrics row is written.
  expect(metricsCount()).toBe(2);
  expect(row()).toEqual({ last_heartbeat: first, current_sessions: 1 });

  now += 400;
  beat(2);
  await commitTick();
  expect(row()).toEqual({ last_heartbeat: now, current_sessions: 2 });

  now += 1000;
  beat(2);
  await commitTick();
  expect(row().last_heartbeat).toBe(now);
});

test("a graceful stop commits what is buffered, worker rows exactly", async () => {
  let now = 1_000_000;
  r = startTestRegistry({ now: () => now });
  await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
  for (let i = 0; i < 50; i++) {
    now += 100;
    beat(i);
  }
  r.registry.stop();
  expect(metricsCount()).toBe(50);
  expect(row()).toEqual({ last_heartbeat: now, current_sessions: 49 });
});
