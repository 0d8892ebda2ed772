import { afterAll, beforeAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { redisOptions } from "../../src/platform/redis/redis-connection.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { CONTRACT_B_OPTIONS } from "./support/contract-b.ts";
import { readJob } from "./support/read-job.ts";

const API_KEY = "process-test-api-key-0123";
let redisServer: TestRedis;
let redis: Redis;
let gw: GatewayProcess;
const data = makeTempDir("wag-api-proc-");

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
  gw = await spawnGateway({
    args: ["--role=coordinator", `--data-dir=${data.path}`, "--max-body-size=64kb"],
    env: { REDIS_URL: redisServer.url, API_KEY, BACKEND_AUTH_TOKEN: "process-test-backend-token" },
  });
});
afterAll(async () => {
  await gw.stop();
  redis.disconnect();
  await redisServer.stop();
  data.remove();
});

const api = (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
  fetch(`${gw.baseUrl}${path}`, { method: init.method ?? "GET", body: init.body, headers: { "x-api-key": API_KEY, "content-type": "application/json", ...init.headers } });

test("over real HTTP, the running gateway creates a session and queues a message exactly as contract B shows it", async () => {
  expect((await api("/api/v1/sessions", { method: "POST", body: JSON.stringify({ sessionId: "user-123" }) })).status).toBe(202);
  const sent = await api("/api/v1/sessions/user-123/messages/text", { method: "POST", body: JSON.stringify({ to: "+6281234567890", text: "Halo" }) });
  expect(sent.status).toBe(202);
  const { jobId } = ((await sent.json()) as { data: { jobId: string } }).data;
  const job = await readJob(redis, jobId);
  expect(job).toMatchObject({ name: "SEND_TEXT", data: { sessionId: "user-123", to: "6281234567890@s.whatsapp.net", text: "Halo" }, opts: CONTRACT_B_OPTIONS });
  // No worker has joined: the session waits for capacity, and its job waits in the router behind its START_SESSION.
  const status = await api(`/api/v1/jobs/${jobId}`);
  expect(((await status.json()) as { data: { state: string } }).data.state).toBe("active");
  const session = await api("/api/v1/sessions/user-123");
  expect(((await session.json()) as { data: { status: string } }).data.status).toBe("pending_capacity");
});

test("a body over MAX_BODY_SIZE is 413 before anything is parsed or queued; no key is 401", async () => {
  const huge = JSON.stringify({ to: "6281234567890", text: "x".repeat(100 * 1024) });
  const res = await api("/api/v1/sessions/user-123/messages/text", { method: "POST", body: huge });
  expect(res.status).toBe(413);
  expect(await res.json()).toMatchObject({ success: false, code: "PAYLOAD_TOO_LARGE" });
  expect((await fetch(`${gw.baseUrl}/api/v1/sessions`)).status).toBe(401);
});
