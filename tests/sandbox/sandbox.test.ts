import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { polledQr, type Scan, scanUntilLinked } from "../support/link-by-qr.ts";

const API_KEY = "sandbox-test-api-key-0123456789";
let gateway: GatewayProcess;
let redis: TestRedis;
const dir = makeTempDir("wags-");

beforeAll(async () => {
  redis = await startTestRedis();
  gateway = await spawnGateway({ args: ["--role=all", "--sandbox", `--data-dir=${dir.path}`, `--redis-url=${redis.url}`], env: { API_KEY } });
});
afterAll(async () => {
  await gateway.stop();
  await redis.stop();
  dir.remove();
});

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, key: string | null = API_KEY): Promise<{ status: number; data: T }> {
  const response = await fetch(`${gateway.baseUrl}${path}`, {
    method,
    headers: { ...(key && { "x-api-key": key }), ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: T } & T;
  return { status: response.status, data: (json.data ?? json) as T };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

test("--sandbox says loudly that it is not WhatsApp", () => {
  expect(gateway.logs.some((l) => l.level === 40 && String(l.msg).startsWith("SANDBOX MODE"))).toBe(true);
  expect(gateway.logs.some((l) => l.level === 40 && String(l.msg).startsWith("NOT the real WhatsApp"))).toBe(true);
});

test("the simulator's control API sits under /sim, behind the API key", async () => {
  expect((await call("GET", "/sim/accounts", undefined, null)).status).toBe(401);
  expect((await call("GET", "/sim/accounts", undefined, "wrong-key-0123456789")).status).toBe(401);
  expect((await call("GET", "/sim/accounts")).status).toBe(200);
});

test("the simulator's own port serves only the WhatsApp socket: no /sim there, with or without a key", async () => {
  // Any local user can reach the simulator's loopback port; its inboxes and QR scans must only be reachable
  // through the gateway's /sim, which checks the API key.
  const started = gateway.logs.find((l) => String(l.msg).startsWith("SANDBOX MODE"));
  const simulatorHttp = String(started?.waUrl).replace(/^ws:/, "http:").replace(/\/ws\/chat$/, "");
  expect(simulatorHttp).toStartWith("http://127.0.0.1:");
  for (const key of [null, API_KEY]) {
    const headers = { ...(key && { "x-api-key": key }), "content-type": "application/json" };
    const accounts = await fetch(`${simulatorHttp}/sim/accounts`, { headers });
    expect(accounts.status).toBe(404);
    expect(await accounts.json()).toEqual({ success: false, error: "not found", code: "NOT_FOUND" });
    const made = await fetch(`${simulatorHttp}/sim/accounts`, { method: "POST", headers, body: JSON.stringify({ name: "Intruder" }) });
    expect(made.status).toBe(404);
    const scan = await fetch(`${simulatorHttp}/sim/pairings/scan`, { method: "POST", headers, body: JSON.stringify({ phone: "1", qr: "x" }) });
    expect(scan.status).toBe(404);
  }
  expect((await call<unknown[]>("GET", "/sim/accounts")).data.some((a) => JSON.stringify(a).includes("Intruder"))).toBe(false);
});

test("a whole demo with no phone: create a session, scan its QR with a simulated phone, send an image through the media host", async () => {
  const owner = (await call<{ phone: string }>("POST", "/sim/accounts", { name: "Demo Shop" })).data;
  const friend = (await call<{ phone: string; jid: string }>("POST", "/sim/accounts", { name: "Friend" })).data;
  expect((await call("POST", "/api/v1/sessions", { sessionId: "demo" })).status).toBe(202);
  const qrs = polledQr(async () => {
    const r = await call<{ qr: string }>("GET", "/api/v1/sessions/demo/qr");
    return r.status === 200 ? r.data.qr : undefined;
  });
  // Today's WhatsApp refreshes the registration once at the first scan; the demo's phone scans again.
  const scan: Scan = async (qr) => {
    const status = (await call("POST", "/sim/pairings/scan", { phone: owner.phone, qr })).status;
    if (status !== 200 && status !== 409) throw new Error(`scan: ${status}`);
    return status === 200 ? "linked" : "refused";
  };
  expect(await scanUntilLinked(qrs, scan)).toBe(1);
  await until("connected", async () => ((await call<{ status: string }>("GET", "/api/v1/sessions/demo")).data.status === "connected" ? true : undefined));

  // Media goes through the simulator's HTTPS media host: this only works because the sandbox
  // started the gateway trusting the simulator's certificate (NODE_EXTRA_CA_CERTS, read at start).
  const image = Buffer.from("sandbox-image:".repeat(100));
  const sent = await call<{ jobId: string }>("POST", "/api/v1/sessions/demo/messages/media", { to: friend.jid, type: "image", media: image.toString("base64"), mimetype: "image/jpeg", caption: "from the sandbox" });
  expect(sent.status).toBe(202);
  const job = await until("the media job", async () => {
    const j = (await call<{ state: string; result?: { messageId: string }; failedReason?: string }>("GET", `/api/v1/jobs/${sent.data.jobId}`)).data;
    return j.state === "completed" || j.state === "failed" ? j : undefined;
  });
  expect(job.failedReason).toBeUndefined();
  const inbox = await until("the image in the friend's inbox", async () => {
    const entries = (await call<{ id: string; message: { imageMessage?: { caption?: string; mimetype?: string } } }[]>("GET", `/sim/accounts/${friend.phone}/inbox`)).data;
    return entries.find((e) => e.id === job.result?.messageId);
  });
  expect(inbox.message.imageMessage).toMatchObject({ caption: "from the sandbox", mimetype: "image/jpeg" });
});
