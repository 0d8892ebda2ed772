import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as A from "./contract-a.ts";
import { API_KEY, expectError, registration, startTestRegistry, type TestRegistry } from "./support.ts";

const CONTRACT_ENDPOINTS = [A.register, A.heartbeat, A.event, A.unregister, A.sessionStatus, A.messageStatus].map((e) => ({
  method: e.method,
  path: e.path,
  body: "request" in e ? e.request : undefined,
}));
const OPERATOR_ENDPOINTS = [
  { method: "GET", path: "/api/v1/workers" },
  { method: "GET", path: "/api/v1/workers/worker-001" },
  { method: "GET", path: "/api/v1/workers/worker-001/metrics" },
  { method: "POST", path: "/api/v1/workers/worker-001/drain" },
];

describe("registry errors, all in contract A's shape", () => {
  let r: TestRegistry;
  beforeAll(async () => {
    r = startTestRegistry();
    expect((await r.call("POST", "/api/v1/workers/register", { body: A.register.request })).status).toBe(200);
  });
  afterAll(() => r.close());

  describe("401 UNAUTHORIZED", () => {
    test.each(CONTRACT_ENDPOINTS)("$method $path refuses no token, a wrong token and the integrator API key", async ({ method, path, body }) => {
      expectError(await r.call(method, path, { body, token: null }), 401, "UNAUTHORIZED", "Missing Authorization");
      expectError(await r.call(method, path, { body, token: "not-the-worker-token-at-all" }), 401, "UNAUTHORIZED", "Invalid token");
      expectError(await r.call(method, path, { body, token: API_KEY }), 401, "UNAUTHORIZED");
      expectError(await r.call(method, path, { body, token: null, headers: { "x-api-key": API_KEY } }), 401, "UNAUTHORIZED");
    });

    test.each(OPERATOR_ENDPOINTS)("operator $method $path refuses the worker token and no token, and takes the API key either way", async ({ method, path }) => {
      expectError(await r.call(method, path), 401, "UNAUTHORIZED");
      expectError(await r.call(method, path, { token: null }), 401, "UNAUTHORIZED");
      expect((await r.call(method, path, { token: API_KEY })).status).toBeLessThan(300);
      expect((await r.call(method, path, { token: null, headers: { "x-api-key": API_KEY } })).status).toBeLessThan(300);
    });

    test("authentication comes before validation, so the schema stays private", async () => {
      expectError(await r.call("POST", "/api/v1/workers/register", { body: { nonsense: true }, token: null }), 401, "UNAUTHORIZED");
      expectError(await r.call("PUT", "/api/v1/workers/not valid!/heartbeat", { body: { status: 1 }, token: "wrong-token-wrong-token" }), 401, "UNAUTHORIZED");
    });
  });

  describe("400 names the field", () => {
    const reg = (extra: Record<string, unknown>) => ({ ...A.register.request, ...extra });
    const hb = (extra: Record<string, unknown>) => ({ ...A.heartbeat.request, ...extra });
    const ev = (extra: Record<string, unknown>) => ({ ...A.event.request, ...extra });
    const cases: [string, string, string, unknown, string][] = [
      ["register: no workerId", "POST", "/api/v1/workers/register", { ...A.register.request, workerId: undefined }, "body.workerId"],
      ["register: workerId with a space", "POST", "/api/v1/workers/register", reg({ workerId: "worker 1" }), "body.workerId"],
      ["register: workerId too long", "POST", "/api/v1/workers/register", reg({ workerId: "w".repeat(65) }), "body.workerId"],
      ["register: endpoint not http", "POST", "/api/v1/workers/register", reg({ endpoint: "ftp://host" }), "body.endpoint"],
      ["register: maxSessions 0", "POST", "/api/v1/workers/register", reg({ maxSessions: 0 }), "body.maxSessions"],
      ["register: maxSessions not whole", "POST", "/api/v1/workers/register", reg({ maxSessions: 2.5 }), "body.maxSessions"],
      ["register: maxSessions as a string", "POST", "/api/v1/workers/register", reg({ maxSessions: "50" }), "body.maxSessions"],
      ["register: unknown status", "POST", "/api/v1/workers/register", reg({ status: "BUSY" }), "body.status"],
      ["register: unknown environment", "POST", "/api/v1/workers/register", reg({ environment: "PROD" }), "body.environment"],
      ["register: bad timestamp", "POST", "/api/v1/workers/register", reg({ timestamp: "yesterday" }), "body.timestamp"],
      ["heartbeat: no status", "PUT", A.heartbeat.path, { ...A.heartbeat.request, status: undefined }, "body.status"],
      ["heartbeat: cpuUsage above 100", "PUT", A.heartbeat.path, hb({ cpuUsage: 100.5 }), "body.cpuUsage"],
      ["heartbeat: memoryUsage below 0", "PUT", A.heartbeat.path, hb({ memoryUsage: -1 }), "body.memoryUsage"],
      ["heartbeat: negative uptime", "PUT", A.heartbeat.path, hb({ uptime: -5 }), "body.uptime"],
      ["heartbeat: fractional messageCount", "PUT", A.heartbeat.path, hb({ messageCount: 1.5 }), "body.messageCount"],
      ["heartbeat: negative session counter", "PUT", A.heartbeat.path, hb({ sessions: { ...A.heartbeat.request.sessions, error: -1 } }), "body.sessions.error"],
      ["heartbeat: sessions not an object", "PUT", A.heartbeat.path, hb({ sessions: 5 }), "body.sessions"],
      ["heartbeat: sessions null", "PUT", A.heartbeat.path, hb({ sessions: null }), "body.sessions"],
      ["heartbeat: bad workerId in the path", "PUT", "/api/v1/workers/bad!id/heartbeat", A.heartbeat.request, "params.workerId"],
      ["events: no event", "POST", A.event.path, { ...A.event.request, event: undefined }, "body.event"],
      ["events: session event without sessionId", "POST", A.event.path, { ...A.event.request, sessionId: undefined }, "body.sessionId"],
      ["events: unknown session status", "POST", A.event.path, ev({ data: { status: "happy" } }), "body.data.status"],
      ["events: bad phone number", "POST", A.event.path, ev({ data: { phoneNumber: "call me" } }), "body.data.phoneNumber"],
      ["events: data not an object", "POST", A.event.path, ev({ data: ["connected"] }), "body.data"],
      ["events: workerId differs from the path", "POST", A.event.path, ev({ workerId: "worker-002" }), "body.workerId"],
      ["events: message event with a malformed messageId", "POST", A.event.path, ev({ event: "message_sent", data: { messageId: "" } }), "body.data.messageId"],
      ["events: message_status without status", "POST", A.event.path, ev({ event: "message_status", data: { messageId: "m1" } }), "body.data.status"],
      ["session-status: no workerId", "POST", A.sessionStatus.path, { ...A.sessionStatus.request, workerId: undefined }, "body.workerId"],
      ["session-status: no data", "POST", A.sessionStatus.path, { ...A.sessionStatus.request, data: undefined }, "body.data"],
      ["session-status: unknown status", "POST", A.sessionStatus.path, { ...A.sessionStatus.request, data: { status: "weird" } }, "body.data.status"],
      ["message-status: no status", "POST", A.messageStatus.path, { ...A.messageStatus.request, data: { messageId: "m1" } }, "body.data.status"],
      ["message-status: empty messageId", "POST", A.messageStatus.path, { ...A.messageStatus.request, data: { messageId: "", status: "sent" } }, "body.data.messageId"],
      ["message-status: unknown status", "POST", A.messageStatus.path, { ...A.messageStatus.request, data: { messageId: "m1", status: "lost" } }, "body.data.status"],
    ];
    test.each(cases)("%s", async (_name, method, path, body, field) => {
      expectError(await r.call(method, path, { body }), 400, "VALIDATION_ERROR", `Invalid ${field}`);
    });

    test("a body that is not JSON, or not an object, is refused", async () => {
      expectError(await r.call("POST", "/api/v1/workers/register", { body: '{"workerId": ' }), 400, "INVALID_JSON");
      expectError(await r.call("PUT", A.heartbeat.path, { body: '"ONLINE"' }), 400, "VALIDATION_ERROR", "Invalid body");
      expectError(await r.call("POST", A.event.path, { body: "[1,2]" }), 400, "VALIDATION_ERROR", "Invalid body");
    });

    test("operator query parameters are checked too", async () => {
      const get = (q: string) => r.call("GET", `/api/v1/workers/worker-001/metrics?${q}`, { token: API_KEY });
      expectError(await get("limit=0"), 400, "VALIDATION_ERROR", "query.limit");
      expectError(await get("limit=1001"), 400, "VALIDATION_ERROR", "query.limit");
      expectError(await get("since=last-week"), 400, "VALIDATION_ERROR", "query.since");
      expectError(await get("cursor=bm9wZQ"), 400, "VALIDATION_ERROR", "query.cursor");
    });
  });

  describe("404", () => {
    test.each([
      ["PUT", "/api/v1/workers/worker-404/heartbeat", A.heartbeat.request],
      ["POST", "/api/v1/workers/worker-404/events", { ...A.event.request, workerId: "worker-404" }],
      ["DELETE", "/api/v1/workers/worker-404", undefined],
      ["POST", "/api/v1/webhooks/session-status", { ...A.sessionStatus.request, workerId: "worker-404" }],
      ["POST", "/api/v1/webhooks/message-status", { ...A.messageStatus.request, workerId: "worker-404" }],
    ])("%s %s for a worker never registered is WORKER_NOT_FOUND", async (method, path, body) => {
      expectError(await r.call(method, path, { body }), 404, "WORKER_NOT_FOUND", "worker-404");
    });

    test.each(["/api/v1/workers/worker-404", "/api/v1/workers/worker-404/metrics"])("operator GET %s is WORKER_NOT_FOUND", async (path) => {
      expectError(await r.call("GET", path, { token: API_KEY }), 404, "WORKER_NOT_FOUND");
    });

    test("an unknown route is NOT_FOUND", async () => {
      expectError(await r.call("POST", "/api/v1/workers/worker-001/reboot", { body: {} }), 404, "NOT_FOUND");
    });
  });

  test("409 WORKER_CONFLICT when another ONLINE worker holds the endpoint", async () => {
    const reply = await r.call("POST", "/api/v1/workers/register", { body: registration("worker-002", { endpoint: A.register.request.endpoint }) });
    expectError(reply, 409, "WORKER_CONFLICT", "worker-001");
  });
});

describe("500 INTERNAL_ERROR", () => {
  test("a storage failure is a 500 in the error shape that reveals nothing of the internals", async () => {
    const r = startTestRegistry();
    expect((await r.call("POST", "/api/v1/workers/register", { body: A.register.request })).status).toBe(200);
    r.db.sqlite.close();
    for (const [method, path, body] of [
      ["POST", "/api/v1/workers/register", registration("worker-003")],
      ["POST", A.sessionStatus.path, A.sessionStatus.request],
    ] as const) {
      const reply = await r.call(method, path, { body });
      expectError(reply, 500, "INTERNAL_ERROR");
      expect(reply.body.error).toBe("Internal server error");
    }
    // Heartbeats are buffered: the first one is taken, its commit fails, and from then on heartbeats are refused.
    expect((await r.call("PUT", A.heartbeat.path, { body: A.heartbeat.request })).status).toBe(200);
    const refused = await r.call("PUT", A.heartbeat.path, { body: A.heartbeat.request });
    expectError(refused, 500, "INTERNAL_ERROR");
    expect(refused.body.error).toBe("Internal server error");
    r.close();
  });
});
