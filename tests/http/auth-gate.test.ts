import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";

/*
 * Auth is bound once (src/http/auth.ts): every route declares its OpenAPI security and the gate enforces
 * what is declared, before the body is read. Checked here on the whole product (--role=all --sandbox, so
 * the simulator's /sim routes are mounted too): every operation in the OpenAPI document, with no
 * credential, with the other kind of credential, and with its own.
 */
const API_KEY = "auth-gate-api-key-0123456789";
const WORKER_TOKEN = "auth-gate-worker-token-0123456789";
type Operation = { method: string; path: string; security: Record<string, string[]>[] | undefined };

let redis: TestRedis;
let gateway: GatewayProcess;
let dir: { path: string; remove(): void };
let operations: Operation[];
beforeAll(async () => {
  redis = await startTestRedis();
  dir = makeTempDir("wag-auth-");
  gateway = await spawnGateway({
    args: ["--role=all", "--sandbox", `--data-dir=${dir.path}`, `--redis-url=${redis.url}`],
    // Each operation is tried with wrong credentials: far more failures than a real client makes.
    env: { API_KEY, BACKEND_AUTH_TOKEN: WORKER_TOKEN, AUTH_FAILURES_PER_MINUTE: "1000000" },
  });
  const doc = (await (await fetch(`${gateway.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, security: op.security })));
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
  dir?.remove();
});

/** A concrete URL for a templated path; the gate runs before the route looks at the ids. */
const urlOf = (path: string) => `${gateway.baseUrl}${path.replace(/\{[^}]+\}/g, "auth-gate-x")}`;
const call = (op: Operation, headers: Record<string, string>) => fetch(urlOf(op.path), { method: op.method, headers: { "content-type": "application/json", ...headers }, body: op.method === "GET" || op.method === "HEAD" ? undefined : "{}" });
const schemesOf = (op: Operation) => new Set((op.security ?? []).flatMap((alt) => Object.keys(alt)));

describe("every operation in the OpenAPI document requires what it declares", () => {
  test("the document covers the API, and every operation declares its security", () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.filter((op) => op.security === undefined).map((op) => `${op.method} ${op.path}`)).toEqual([]);
    // Contract A's endpoints take the worker token; the rest of /api/v1 the API key.
    expect(schemesOf(operations.find((op) => op.path === "/api/v1/workers/register")!)).toEqual(new Set(["workerToken"]));
    expect(schemesOf(operations.find((op) => op.path === "/api/v1/sessions" && op.method === "POST")!)).toEqual(new Set(["bearerAuth", "apiKeyHeader"]));
  });

  test("with no credential: 401 exactly where a credential is declared", async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const status = (await call(op, {})).status;
      if ((schemesOf(op).size > 0) !== (status === 401)) wrong.push(`${op.method} ${op.path} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  test("with the other kind of credential: 401; with its own: through the gate", async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const schemes = schemesOf(op);
      if (schemes.size === 0) continue;
      const worker = schemes.has("workerToken");
      const other = (await call(op, { authorization: `Bearer ${worker ? API_KEY : WORKER_TOKEN}` })).status;
      const own = (await call(op, worker ? { authorization: `Bearer ${WORKER_TOKEN}` } : { "x-api-key": API_KEY })).status;
      if (other !== 401 || own === 401) wrong.push(`${op.method} ${op.path} → other ${other}, own ${own}`);
    }
    expect(wrong).toEqual([]);
  });

  test("routes the document does not list: the docs and the dashboard page are public, a hidden data route is not", async () => {
    for (const path of ["/docs", "/openapi.json", "/health", "/"]) expect((await fetch(`${gateway.baseUrl}${path}`)).status).toBe(200);
    expect((await fetch(`${gateway.baseUrl}/sim/accounts`)).status).toBe(401);
  });

  test("the credential is checked before the body is parsed: malformed JSON with no credential is a 401, not a 400", async () => {
    const res = await fetch(`${gateway.baseUrl}/api/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("UNAUTHORIZED");
    const authed = await fetch(`${gateway.baseUrl}/api/v1/sessions`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": API_KEY }, body: "{not json" });
    expect(authed.status).toBe(400);
  });
});
