import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { grants, isScope, SCOPES, type Scope } from "../../src/http/scopes.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";

/*
 * Scoped API keys (issue 17.9), on the whole product (--role=all --sandbox): the admin key makes keys
 * through the API; every operation of the OpenAPI document is called with a key of each scope, and with a
 * key limited to one session; revocation takes effect at once; the key is never stored or logged.
 */
const API_KEY = "scoped-keys-admin-key-0123456789";
/** `scope`: what a key needs (undefined: the operation takes no integrator key: public, or the worker token). */
type Operation = { method: string; path: string; scope: Scope | undefined; filters: boolean; integrator: boolean };
type Created = { id: string; key: string; prefix: string; scopes: string[]; sessions: string[] | null };

let redis: TestRedis;
let gateway: GatewayProcess;
let dir: { path: string; remove(): void };
let operations: Operation[];
const admin = { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" };

beforeAll(async () => {
  redis = await startTestRedis();
  dir = makeTempDir("wag-keys-");
  gateway = await spawnGateway({
    args: ["--role=all", "--sandbox", `--data-dir=${dir.path}`, `--redis-url=${redis.url}`],
    env: { API_KEY, BACKEND_AUTH_TOKEN: "scoped-keys-worker-token-0123", AUTH_FAILURES_PER_MINUTE: "1000000" },
  });
  type Doc = { paths: Record<string, Record<string, { security?: Record<string, string[]>[]; "x-session-scope"?: string }>> };
  const doc = (await (await fetch(`${gateway.baseUrl}/openapi.json`)).json()) as Doc;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const declared = op.security?.find((alt) => "bearerAuth" in alt)?.bearerAuth?.[0];
      const integrator = (op.security ?? []).some((alt) => "bearerAuth" in alt);
      return { method: method.toUpperCase(), path, scope: declared !== undefined && isScope(declared) ? declared : undefined, filters: op["x-session-scope"] === "filtered", integrator };
    }),
  );
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await redis?.stop();
  dir?.remove();
});

async function createKey(body: { name: string; scopes: string[]; sessions?: string[] }): Promise<Created> {
  const res = await fetch(`${gateway.baseUrl}/api/v1/api-keys`, { method: "POST", headers: admin, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: Created }).data;
}

/** A concrete URL for a templated path; `{sessionId}` becomes the given session. */
const urlOf = (path: string, sessionId = "keys-x") => `${gateway.baseUrl}${path.replace("{sessionId}", sessionId).replace(/\{[^}]+\}/g, "keys-x")}`;
const call = (op: Operation, key: string, sessionId?: string) =>
  fetch(urlOf(op.path, sessionId), {
    method: op.method,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: op.method === "GET" || op.method === "HEAD" ? undefined : "{}",
  });
/** What the gate said: 401/403 with its codes, or "through" when the route itself answered. */
async function verdict(res: Response): Promise<string> {
  const body = (await res.json().catch(() => ({}))) as { code?: string };
  if (res.status === 401 || res.status === 403) return `${res.status} ${body.code}`;
  // An SSE stream stays open: its headers were the route's answer.
  return "through";
}

describe("scoped API keys", () => {
  test("every integrator operation declares the one scope it needs, and the key routes need admin", () => {
    const integrator = operations.filter((op) => op.integrator);
    expect(integrator.filter((op) => op.scope === undefined).map((op) => `${op.method} ${op.path}`)).toEqual([]);
    expect(integrator.length).toBeGreaterThan(40);
    expect(operations.filter((op) => op.path.startsWith("/api/v1/api-keys")).map((op) => op.scope)).toEqual(["admin", "admin", "admin", "admin"]);
    expect(operations.find((op) => op.method === "POST" && op.path === "/api/v1/sessions/{sessionId}/messages/text")?.scope).toBe("messages:send");
    expect(operations.find((op) => op.method === "POST" && op.path === "/api/v1/sessions")?.scope).toBe("sessions:manage");
  });

  test("a key of each scope passes exactly the operations its scope grants, and is 403 FORBIDDEN elsewhere", async () => {
    const wrong: string[] = [];
    for (const scope of SCOPES) {
      const { key } = await createKey({ name: `only-${scope}`, scopes: [scope] });
      for (const op of operations) {
        if (op.scope === undefined || op.path.endsWith("/events/stream")) continue;
        const got = await verdict(await call(op, key));
        const want = grants([scope], op.scope) ? "through" : "403 FORBIDDEN";
        if (got !== want) wrong.push(`${scope}: ${op.method} ${op.path} → ${got}, want ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  test("a key limited to one session touches only it, and routes that span sessions refuse it unless they filter", async () => {
    const { key } = await createKey({ name: "tenant-a", scopes: ["admin"], sessions: ["tenant-a"] });
    const wrong: string[] = [];
    for (const op of operations) {
      if (op.scope === undefined || op.path.endsWith("/events/stream")) continue;
      const takesSession = op.path.includes("{sessionId}");
      if (takesSession) {
        const other = await verdict(await call(op, key, "tenant-b"));
        const own = await verdict(await call(op, key, "tenant-a"));
        if (other !== "403 FORBIDDEN" || own !== "through") wrong.push(`${op.method} ${op.path}: other ${other}, own ${own}`);
      } else {
        const got = await verdict(await call(op, key));
        const want = op.filters ? "through" : "403 FORBIDDEN";
        if (got !== want) wrong.push(`${op.method} ${op.path} → ${got}, want ${want}`);
      }
    }
    expect(wrong).toEqual([]);

    // A session named in the body or the query is checked too.
    const start = (sessionId: string) => fetch(`${gateway.baseUrl}/api/v1/sessions`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ sessionId }) });
    expect((await start("tenant-b")).status).toBe(403);
    expect((await start("tenant-a")).status).toBe(202);
    await fetch(`${gateway.baseUrl}/api/v1/sessions`, { method: "POST", headers: admin, body: JSON.stringify({ sessionId: "tenant-b" }) });
    const events = (q: string) => fetch(`${gateway.baseUrl}/api/v1/events${q}`, { headers: { "x-api-key": key } });
    expect((await events("?sessionId=tenant-b")).status).toBe(403);
    expect((await events("?sessionId=tenant-a")).status).toBe(200);

    // The session list is narrowed to the key's sessions; the admin sees both.
    const list = async (k: string) => ((await (await fetch(`${gateway.baseUrl}/api/v1/sessions`, { headers: { authorization: `Bearer ${k}` } })).json()) as { data: { sessionId: string }[] }).data.map((s) => s.sessionId).sort();
    expect(await list(key)).toEqual(["tenant-a"]);
    expect(await list(API_KEY)).toEqual(["tenant-a", "tenant-b"]);
  }, 120_000);

  test("revocation takes effect at the next request; lists never show the key", async () => {
    const created = await createKey({ name: "short-lived", scopes: ["sessions:read"] });
    expect(created.key).toStartWith("wag_");
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const get = () => fetch(`${gateway.baseUrl}/api/v1/sessions`, { headers: { authorization: `Bearer ${created.key}` } });
    expect((await get()).status).toBe(200);
    const revoked = await fetch(`${gateway.baseUrl}/api/v1/api-keys/${created.id}`, { method: "DELETE", headers: admin });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { data: { revokedAt: string | null } }).data.revokedAt).not.toBeNull();
    expect((await get()).status).toBe(401);
    const listed = await (await fetch(`${gateway.baseUrl}/api/v1/api-keys`, { headers: admin })).text();
    expect(listed).toContain(created.id);
    expect(listed).not.toContain(created.key);
    expect((await fetch(`${gateway.baseUrl}/api/v1/api-keys/key_nope`, { headers: admin })).status).toBe(404);
  });

  test("bad input is a 400 naming the field; only the admin scope manages keys", async () => {
    const bad = async (body: unknown) => {
      const res = await fetch(`${gateway.baseUrl}/api/v1/api-keys`, { method: "POST", headers: admin, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: string }).error;
    };
    expect(await bad({ name: "x", scopes: ["root"] })).toContain("body.scopes");
    expect(await bad({ name: "x", scopes: [] })).toContain("body.scopes");
    expect(await bad({ scopes: ["admin"] })).toContain("body.name");
    expect(await bad({ name: "x", scopes: ["admin"], sessions: ["bad id!"] })).toContain("body.sessions");
    const { key } = await createKey({ name: "manager", scopes: ["sessions:manage", "webhooks:manage", "messages:send"] });
    const res = await fetch(`${gateway.baseUrl}/api/v1/api-keys`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ name: "escalate", scopes: ["admin"] }) });
    expect(res.status).toBe(403);
  });

  test("keys are not kept in clear: not in the database, not in the log; each use is attributable", async () => {
    const created = await createKey({ name: "audited", scopes: ["sessions:read"] });
    for (let i = 0; i < 3; i++) expect((await fetch(`${gateway.baseUrl}/api/v1/sessions`, { headers: { "x-api-key": created.key } })).status).toBe(200);
    await gateway.stop("SIGTERM");
    for (const file of readdirSync(dir.path).filter((f) => f.startsWith("wa-gateway.db"))) {
      expect(readFileSync(join(dir.path, file)).includes(created.key)).toBe(false);
    }
    const logs = JSON.stringify(gateway.logs);
    expect(logs).not.toContain(created.key);
    expect(logs).not.toContain(API_KEY);
    const usage = gateway.logs.find((l) => l.msg === "api key usage" && l.key === created.id) as { requests: Record<string, number>; sources: string[]; name: string } | undefined;
    expect(usage).toBeDefined();
    expect(usage!.name).toBe("audited");
    expect(usage!.requests["GET /api/v1/sessions"]).toBe(3);
    expect(usage!.sources).toEqual(["127.0.0.1"]);
    expect(gateway.logs.some((l) => l.msg === "api key created" && l.keyId === created.id && l.by === "admin")).toBe(true);
  });
});
