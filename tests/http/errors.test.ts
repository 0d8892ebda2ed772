import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia, t } from "elysia";
import type { ErrorCode } from "../../src/contracts/worker-api/error-codes.ts";
import { requires } from "../../src/http/auth.ts";
import { AppError } from "../../src/http/errors.ts";
import { listen, type Listener } from "../../src/http/listener.ts";
import { buildApp } from "../../src/http/server.ts";
import { createLogger } from "../../src/platform/logger.ts";

// A real server built by the gateway's own buildApp, with routes that exercise each failure path.
const TOKEN = "test-token-0123456789";
const LIMIT = 1024;
let server: Listener;
let base: string;
const logged: string[] = [];

beforeAll(() => {
  const log = createLogger("error");
  const capture = log.child({});
  capture.error = ((obj: unknown, msg?: string) => void logged.push(JSON.stringify({ obj: String((obj as { err?: Error }).err), msg }))) as typeof capture.error;
  const routes = new Elysia({ prefix: "/t", detail: requires("integrator") })
    .post("/items", ({ body }) => ({ success: true, data: body }), {
      body: t.Object({ name: t.String({ minLength: 1 }), count: t.Integer({ minimum: 1 }), nested: t.Optional(t.Object({ id: t.String() })) }),
    })
    .get("/conflict", () => {
      throw new AppError(409, "WORKER_CONFLICT", "endpoint is held by worker-001");
    })
    .get("/boom", () => {
      throw new Error("secret internal detail at /srv/x.ts:42");
    });
  server = listen({ host: "127.0.0.1", port: 0, maxBodyBytes: LIMIT, version: "test", role: "all" });
  server.serve(buildApp({ log: capture, maxBodyBytes: LIMIT, plugins: [routes], credentials: { integrator: TOKEN } }).fetch);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop());

const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
async function expectError(res: Response, status: number, code: ErrorCode, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["code", "error", "success"]);
  expect(body.success).toBe(false);
  expect(body.code).toBe(code);
  if (message) expect(String(body.error)).toMatch(message);
  return body;
}

describe("every error is contract A's {success:false,error,code}", () => {
  test("validation: 400 naming the field, not 422", async () => {
    const res = await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: JSON.stringify({ name: "x", count: 0 }) });
    await expectError(res, 400, "VALIDATION_ERROR", /body\.count/);
    const missing = await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: JSON.stringify({ count: 1 }) });
    await expectError(missing, 400, "VALIDATION_ERROR", /body\.name/);
    const nested = await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: JSON.stringify({ name: "x", count: 1, nested: { id: 5 } }) });
    await expectError(nested, 400, "VALIDATION_ERROR", /body\.nested\.id/);
  });

  test("malformed JSON: 400", async () => {
    const res = await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: '{"name": "x",' });
    await expectError(res, 400, "INVALID_JSON");
  });

  test("auth: 401 for a missing or wrong token, before validation; X-API-Key accepted", async () => {
    const none = await fetch(`${base}/t/items`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await expectError(none, 401, "UNAUTHORIZED");
    const wrong = await fetch(`${base}/t/items`, { method: "POST", headers: { ...auth, authorization: `Bearer ${TOKEN}x` }, body: "{}" });
    await expectError(wrong, 401, "UNAUTHORIZED", /Invalid token/);
    const apiKey = await fetch(`${base}/t/items`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ name: "a", count: 2 }) });
    expect(apiKey.status).toBe(200);
  });

  test("unknown route: 404", async () => {
    await expectError(await fetch(`${base}/nowhere`), 404, "NOT_FOUND", /GET \/nowhere/);
  });

  test("oversize body: 413, by Content-Length and when streamed without one", async () => {
    const big = JSON.stringify({ name: "x".repeat(LIMIT * 2), count: 1 });
    await expectError(await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: big }), 413, "PAYLOAD_TOO_LARGE");
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: stream });
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
    // A streamed body within the limit still reaches the handler intact.
    const small = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(JSON.stringify({ name: "ok", count: 3 })));
        c.close();
      },
    });
    const ok = await fetch(`${base}/t/items`, { method: "POST", headers: auth, body: small });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ success: true, data: { name: "ok", count: 3 } });
  });

  test("domain errors keep their status and code", async () => {
    await expectError(await fetch(`${base}/t/conflict`, { headers: auth }), 409, "WORKER_CONFLICT", /worker-001/);
  });

  test("unexpected errors: 500 with no internals, logged for the operator", async () => {
    const body = await expectError(await fetch(`${base}/t/boom`, { headers: auth }), 500, "INTERNAL_ERROR");
    expect(JSON.stringify(body)).not.toContain("secret internal detail");
    expect(logged.join()).toContain("secret internal detail");
  });
});

test("before the app is mounted, liveness answers and everything else is 503 STARTING", async () => {
  const early = listen({ host: "127.0.0.1", port: 0, maxBodyBytes: LIMIT, version: "9.9.9", role: "worker" });
  try {
    const health = await fetch(`http://127.0.0.1:${early.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "starting", version: "9.9.9", role: "worker" });
    const ready = await fetch(`http://127.0.0.1:${early.port}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("1");
    expect(await ready.json()).toEqual({ success: false, error: "wa-gateway is starting; retry shortly", code: "STARTING" });
  } finally {
    await early.stop();
  }
});
