import { afterEach, expect, test } from "bun:test";
import { DOWNSAMPLE_BUCKET_MS } from "../../src/registry/metrics/retention.ts";
import { API_KEY, registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

const HOUR = 3_600_000;
// A bucket boundary, so the arithmetic below is easy to follow.
const NOW = Math.floor(Date.UTC(2030, 0, 1, 12) / DOWNSAMPLE_BUCKET_MS) * DOWNSAMPLE_BUCKET_MS;

function insert(at: number, m: { cpu: number; uptime: number; messages: number; total: number; status?: string }): void {
  r.db.sqlite.run(
    "INSERT INTO worker_metrics (id, worker_id, status, cpu_usage, memory_usage, uptime, message_count, session_total, session_connected, timestamp) VALUES (?, 'w1', ?, ?, 50, ?, ?, ?, ?, ?)",
    [crypto.randomUUID(), m.status ?? "ONLINE", m.cpu, m.uptime, m.messages, m.total, m.total, at],
  );
}
const rows = () =>
  r.db.sqlite.query<Record<string, number | string | null>, []>("SELECT timestamp, status, cpu_usage, memory_usage, uptime, message_count, session_total, samples, bucket_ms FROM worker_metrics ORDER BY timestamp").all();

test("metrics retention keeps recent rows raw, averages older ones per 5-minute bucket, and deletes the oldest", async () => {
  r = startTestRegistry({ settings: { metricsRawRetentionMs: HOUR, metricsRetentionMs: 24 * HOUR } });
  await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
  r.db.sqlite.run("DELETE FROM worker_metrics");

  const old = NOW - 3 * HOUR;
  insert(old + 0, { cpu: 10, uptime: 100, messages: 5, total: 1 });
  insert(old + 10_000, { cpu: 20, uptime: 110, messages: 6, total: 2 });
  insert(old + 20_000, { cpu: 30, uptime: 120, messages: 7, total: 2, status: "MAINTENANCE" });
  insert(NOW - 2 * HOUR, { cpu: 40, uptime: 200, messages: 9, total: 3 });
  insert(NOW - 2 * 24 * HOUR, { cpu: 99, uptime: 1, messages: 1, total: 1 });
  insert(NOW - 10 * 60_000, { cpu: 50, uptime: 300, messages: 10, total: 4 });
  insert(NOW - 60_000, { cpu: 60, uptime: 310, messages: 11, total: 4 });

  expect(r.registry.retention.run(NOW)).toEqual({ buckets: 3, raw: 5, expired: 1 });
  expect(rows()).toEqual([
    // Gauges averaged, counters and uptime at their maximum, session counts rounded, the last status kept.
    { timestamp: old, status: "MAINTENANCE", cpu_usage: 20, memory_usage: 50, uptime: 120, message_count: 7, session_total: 2, samples: 3, bucket_ms: DOWNSAMPLE_BUCKET_MS },
    { timestamp: NOW - 2 * HOUR, status: "ONLINE", cpu_usage: 40, memory_usage: 50, uptime: 200, message_count: 9, session_total: 3, samples: 1, bucket_ms: DOWNSAMPLE_BUCKET_MS },
    { timestamp: NOW - 10 * 60_000, status: "ONLINE", cpu_usage: 50, memory_usage: 50, uptime: 300, message_count: 10, session_total: 4, samples: 1, bucket_ms: null },
    { timestamp: NOW - 60_000, status: "ONLINE", cpu_usage: 60, memory_usage: 50, uptime: 310, message_count: 11, session_total: 4, samples: 1, bucket_ms: null },
  ]);

  // Running again changes nothing: an averaged row is never averaged twice.
  expect(r.registry.retention.run(NOW)).toEqual({ buckets: 0, raw: 0, expired: 0 });
  // A day later everything has expired.
  expect(r.registry.retention.run(NOW + 25 * HOUR)).toMatchObject({ expired: 4 });
  expect(rows()).toEqual([]);
});

test("operators see averaged rows for what they are", async () => {
  r = startTestRegistry({ settings: { metricsRawRetentionMs: HOUR, metricsRetentionMs: 24 * HOUR } });
  await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
  const old = NOW - 3 * HOUR;
  insert(old, { cpu: 10, uptime: 100, messages: 5, total: 1 });
  insert(old + 10_000, { cpu: 30, uptime: 110, messages: 6, total: 1 });
  r.registry.retention.run(NOW);
  const page = await r.call("GET", `/api/v1/workers/w1/metrics?until=${new Date(NOW).toISOString()}`, { token: API_KEY });
  expect(page.body.data).toEqual([expect.objectContaining({ timestamp: new Date(old).toISOString(), cpuUsage: 20, samples: 2, bucketSeconds: 300 })]);
});
