import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import * as A from "./contract-a.ts";
import { API_KEY } from "./support.ts";

const data = makeTempDir();
afterAll(() => data.remove());

function coordinator(args: string[] = []): Promise<GatewayProcess> {
  return spawnGateway({ args: ["--role=coordinator", `--data-dir=${data.path}`, ...args], env: { BACKEND_AUTH_TOKEN: A.CONTRACT_TOKEN, API_KEY } });
}

async function call(gw: GatewayProcess, method: string, path: string, body?: unknown, token = A.CONTRACT_TOKEN) {
  const res = await fetch(`${gw.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function count(table: string): number {
  const db = new Database(join(data.path, "wa-gateway.db"), { readonly: true });
  try {
    return db.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  } finally {
    db.close();
  }
}

test("a real coordinator restart keeps workers, metrics, sessions, events and commands; heartbeats simply continue", async () => {
  // A heartbeat timeout no loaded machine reaches: the worker must still be ONLINE when the drain comes.
  const steady = ["--heartbeat-timeout=60s"];
  const first = await coordinator(steady);
  let drainCommand: unknown;
  try {
    expect((await call(first, "POST", A.register.path, A.register.request)).body).toEqual(A.register.response);
    // Acknowledged heartbeats, sent all at once right before the stop, must all be on disk after it.
    const beats = await Promise.all(Array.from({ length: 20 }, () => call(first, "PUT", A.heartbeat.path, A.heartbeat.request)));
    expect(beats.every((b) => b.status === 200)).toBe(true);
    expect((await call(first, "POST", A.sessionStatus.path, A.sessionStatus.request)).status).toBe(200);
    expect((await call(first, "POST", A.messageStatus.path, A.messageStatus.request)).status).toBe(200);
    const drain = await call(first, "POST", "/api/v1/workers/worker-001/drain", undefined, API_KEY);
    expect(drain.status).toBe(202);
    drainCommand = (drain.body.data as { command: unknown }).command;
  } finally {
    // Stopped here even when a step above fails, so it does not hold the data dir for the next test.
    expect(await first.stop("SIGTERM")).toBe(0);
  }

  expect(count("worker_metrics")).toBe(20);
  expect(count("event_ledger")).toBe(2);
  expect(count("message_statuses")).toBe(1);

  const second = await coordinator(steady);
  try {
    const worker = await call(second, "GET", "/api/v1/workers/worker-001", undefined, API_KEY);
    expect(worker.body.data).toMatchObject({
      // The drain took effect at once; the DRAIN command still waits for the worker's next heartbeat.
      status: "MAINTENANCE",
      registered: true,
      currentSessions: 25,
      lastMetrics: { cpuUsage: 45.5 },
      sessions: [{ sessionId: "user123-session1", status: "qr_required" }],
      pendingCommands: [drainCommand],
    });
    // The worker keeps heartbeating as if nothing happened, and gets the command queued before the restart.
    const beat = await call(second, "PUT", A.heartbeat.path, A.heartbeat.request);
    expect(beat.status).toBe(200);
    expect((beat.body.data as { commands: { type: string }[] }).commands.map((c) => c.type)).toEqual(["DRAIN"]);
    const metrics = await call(second, "GET", "/api/v1/workers/worker-001/metrics?limit=1000", undefined, API_KEY);
    expect((metrics.body.data as unknown[]).length).toBe(21);
  } finally {
    expect(await second.stop("SIGTERM")).toBe(0);
  }
});

test("the gateway runs the liveness sweeper: a worker that stops heartbeating goes OFFLINE", async () => {
  const gw = await coordinator(["--heartbeat-interval=100ms", "--heartbeat-timeout=300ms"]);
  try {
    await call(gw, "POST", A.register.path, A.register.request);
    const deadline = Date.now() + 5_000;
    let status = "ONLINE";
    while (status !== "OFFLINE" && Date.now() < deadline) {
      await Bun.sleep(100);
      status = ((await call(gw, "GET", "/api/v1/workers/worker-001", undefined, API_KEY)).body.data as { status: string }).status;
    }
    expect(status).toBe("OFFLINE");
    // The log line comes through the child's stdout pipe, which can trail the API on a loaded machine.
    const logged = () => gw.logs.some((l) => l.msg === "worker is OFFLINE" && l.reason === "heartbeat_timeout");
    for (const until = Date.now() + 5_000; !logged() && Date.now() < until; ) await Bun.sleep(50);
    expect(logged()).toBe(true);
  } finally {
    expect(await gw.stop("SIGTERM")).toBe(0);
  }
});
