import { afterEach, describe, expect, test } from "bun:test";
import * as A from "./contract-a.ts";
import { API_KEY, registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

const read = async (path: string) => {
  const reply = await r.call("GET", path, { token: API_KEY });
  expect(reply.status).toBe(200);
  return reply.body;
};

describe("operator reads", () => {
  test("list workers with live status, sessions, last metrics and seconds since the heartbeat", async () => {
    let now = Date.UTC(2030, 0, 1);
    r = startTestRegistry({ now: () => now });
    await r.call("POST", "/api/v1/workers/register", { body: A.register.request });
    await r.call("PUT", A.heartbeat.path, { body: A.heartbeat.request });
    await r.call("POST", "/api/v1/webhooks/session-status", { body: A.sessionStatus.request });
    await r.call("POST", "/api/v1/workers/register", { body: registration("worker-002") });
    await r.call("DELETE", "/api/v1/workers/worker-002");
    now += 42_000;

    const { data } = await read("/api/v1/workers");
    expect(data).toEqual([
      {
        workerId: "worker-001",
        endpoint: "http://localhost:8001",
        description: "Primary worker instance",
        status: "ONLINE",
        registered: true,
        offlineReason: null,
        maxSessions: 50,
        currentSessions: 25,
        assignedSessions: 1,
        version: "1.0.0",
        environment: "PRODUCTION",
        lastHeartbeat: "2030-01-01T00:00:00.000Z",
        secondsSinceHeartbeat: 42,
        lastMetrics: {
          id: expect.any(String),
          timestamp: "2030-01-01T00:00:00.000Z",
          reportedAt: "2024-01-15T10:30:00.000Z",
          status: "ONLINE",
          cpuUsage: 45.5,
          memoryUsage: 67.8,
          uptime: 3600,
          messageCount: 1250,
          sessions: { total: 25, connected: 20, disconnected: 2, qr_required: 2, reconnecting: 1, error: 0 },
          samples: 1,
          bucketSeconds: null,
        },
        createdAt: "2030-01-01T00:00:00.000Z",
        updatedAt: "2030-01-01T00:00:00.000Z",
      },
      expect.objectContaining({ workerId: "worker-002", status: "OFFLINE", registered: false, offlineReason: "unregistered", lastMetrics: null, assignedSessions: 0 }),
    ]);
  });

  test("one worker, with its sessions and unacknowledged commands; last metrics survive a restart", async () => {
    r = startTestRegistry();
    await r.call("POST", "/api/v1/workers/register", { body: A.register.request });
    await r.call("PUT", A.heartbeat.path, { body: A.heartbeat.request });
    await r.call("POST", "/api/v1/webhooks/session-status", { body: A.sessionStatus.request });
    const drain = r.registry.commands.enqueue("worker-001", { type: "DRAIN" });
    r.close({ keepData: true });
    r = startTestRegistry({ dataDir: r.dataDir });

    const { data } = await read("/api/v1/workers/worker-001");
    expect(data).toMatchObject({
      workerId: "worker-001",
      currentSessions: 25,
      lastMetrics: { cpuUsage: 45.5, sessions: { total: 25 } },
      sessions: [{ sessionId: "user123-session1", status: "qr_required", phoneNumber: null }],
      pendingCommands: [drain],
    });
  });

  test("metrics come oldest first in pages that neither skip nor repeat, within since/until", async () => {
    let now = Date.UTC(2030, 0, 1);
    r = startTestRegistry({ now: () => now });
    await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
    for (let i = 0; i < 25; i++) {
      // Two heartbeats in the same millisecond, to page across a tie.
      now += i % 2 === 0 ? 1000 : 0;
      await r.call("PUT", "/api/v1/workers/w1/heartbeat", { body: { status: "ONLINE", messageCount: i } });
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: Record<string, unknown> = await read(`/api/v1/workers/w1/metrics?limit=10${cursor ? `&cursor=${cursor}` : ""}`);
      const page = body.page as { limit: number; nextCursor: string | null };
      expect(page.limit).toBe(10);
      seen.push(...(body.data as { messageCount: number }[]).map((m) => m.messageCount));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...Array(25).keys()]);

    const since = new Date(Date.UTC(2030, 0, 1) + 3000).toISOString();
    const until = new Date(Date.UTC(2030, 0, 1) + 5000).toISOString();
    const window = await read(`/api/v1/workers/w1/metrics?since=${since}&until=${until}`);
    expect((window.data as { messageCount: number }[]).map((m) => m.messageCount)).toEqual([4, 5, 6, 7, 8, 9]);
  });
});
