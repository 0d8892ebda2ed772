import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startApiHarness, API_KEY, type ApiHarness } from "./support/api-harness.ts";
import { jobCount, readJob } from "./support/read-job.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  h.addSession({ id: "user-123", status: "connected" });
  h.addSession({ id: "waiting-for-scan", status: "qr_required", qrCode: "2@abc" });
  h.addSession({ id: "gone", status: "deleted" });
});
afterAll(() => h.close());

const TEXT_PATH = "/api/v1/sessions/user-123/messages/text";
const TEXT = { to: "6281234567890@s.whatsapp.net", text: "Halo" };

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await h.call("POST", path, body, headers);
  return { status: res.status, headers: res.headers, body: (await res.json()) as { success: boolean; code?: string; error?: string; data?: { jobId: string } } };
}

describe("Idempotency-Key", () => {
  test("the same key with the same body answers the first jobId and enqueues nothing more", async () => {
    const first = await post(TEXT_PATH, TEXT, { "idempotency-key": "order-1" });
    expect(first.status).toBe(202);
    const count = await jobCount(h.redis);
    // Same body, other key order: still the same request.
    const again = await post(TEXT_PATH, { text: "Halo", to: "6281234567890@s.whatsapp.net" }, { "idempotency-key": "order-1" });
    expect(again.status).toBe(202);
    expect(again.body.data?.jobId).toBe(first.body.data!.jobId);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(await jobCount(h.redis)).toBe(count);
  });

  test("the same key with a different body is 409 and enqueues nothing", async () => {
    await post(TEXT_PATH, TEXT, { "idempotency-key": "order-2" });
    const count = await jobCount(h.redis);
    const other = await post(TEXT_PATH, { ...TEXT, text: "Halo lagi" }, { "idempotency-key": "order-2" });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ success: false, code: "IDEMPOTENCY_KEY_REUSED" });
    // Another route with the same key is another request too.
    expect((await post("/api/v1/sessions/user-123/stop", undefined, { "idempotency-key": "order-2" })).status).toBe(409);
    expect(await jobCount(h.redis)).toBe(count);
  });

  test("different keys, or no key, enqueue each time", async () => {
    const a = await post(TEXT_PATH, TEXT, { "idempotency-key": "order-3a" });
    const b = await post(TEXT_PATH, TEXT, { "idempotency-key": "order-3b" });
    const c = await post(TEXT_PATH, TEXT);
    const d = await post(TEXT_PATH, TEXT);
    expect(new Set([a, b, c, d].map((r) => r.body.data?.jobId)).size).toBe(4);
  });

  test("racing duplicates enqueue once", async () => {
    const count = await jobCount(h.redis);
    const replies = await Promise.all(Array.from({ length: 20 }, () => post(TEXT_PATH, TEXT, { "idempotency-key": "order-4" })));
    expect(replies.every((r) => r.status === 202)).toBe(true);
    expect(new Set(replies.map((r) => r.body.data?.jobId)).size).toBe(1);
    expect(await jobCount(h.redis)).toBe(count + 1);
  });

  test("is kept in Redis for 24 hours", async () => {
    await post(TEXT_PATH, TEXT, { "idempotency-key": "order-5" });
    const keys = await h.redis.keys("wa-gateway:idempotency:*");
    const ttls = await Promise.all(keys.map((k) => h.redis.ttl(k)));
    expect(ttls.every((t) => t > 86_000 && t <= 86_400)).toBe(true);
  });

  test("a retried DELETE gets its first answer although the session is deleted by then", async () => {
    h.addSession({ id: "to-delete" });
    const first = await h.call("DELETE", "/api/v1/sessions/to-delete", undefined, { "idempotency-key": "del-1" });
    const again = await h.call("DELETE", "/api/v1/sessions/to-delete", undefined, { "idempotency-key": "del-1" });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(((await again.json()) as { data: { jobId: string } }).data.jobId).toBe(((await first.json()) as { data: { jobId: string } }).data.jobId);
    expect((await h.call("DELETE", "/api/v1/sessions/to-delete")).status).toBe(404);
  });
});

describe("authentication", () => {
  const attempts: [string, Record<string, string>, number][] = [
    ["no credentials", { authorization: "" }, 401],
    ["a wrong bearer token", { authorization: "Bearer wrong-key-0123456789" }, 401],
    ["a wrong X-API-Key", { authorization: "", "x-api-key": "wrong-key-0123456789" }, 401],
    ["the right X-API-Key", { authorization: "", "x-api-key": API_KEY }, 202],
    ["the right bearer token", {}, 202],
  ];
  for (const [what, headers, status] of attempts) {
    test(`${what}: ${status}`, async () => {
      const res = await post(TEXT_PATH, TEXT, headers);
      expect(res.status).toBe(status);
      if (status === 401) expect(res.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    });
  }

  test("auth comes before validation: an invalid body without a key is 401, not 400", async () => {
    expect((await post(TEXT_PATH, { to: "nope" }, { authorization: "" })).status).toBe(401);
  });

  test("every /api/v1 route needs the key", async () => {
    const routes: [string, string][] = [
      ["GET", "/api/v1/sessions"],
      ["GET", "/api/v1/sessions/user-123"],
      ["GET", "/api/v1/sessions/waiting-for-scan/qr.png"],
      ["POST", "/api/v1/sessions/user-123/groups"],
      ["GET", "/api/v1/jobs/1"],
    ];
    for (const [method, path] of routes) expect([path, (await h.call(method, path, undefined, { authorization: "" })).status]).toEqual([path, 401]);
  });
});

describe("sessions a message is sent through", () => {
  test("an unknown session is 404 SESSION_NOT_FOUND and nothing is enqueued", async () => {
    const count = await jobCount(h.redis);
    const res = await post("/api/v1/sessions/nobody/messages/text", TEXT);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, code: "SESSION_NOT_FOUND", error: 'Session "nobody" does not exist' });
    expect(await jobCount(h.redis)).toBe(count);
  });

  test("a deleted session is 404 too", async () => {
    expect((await post("/api/v1/sessions/gone/messages/text", TEXT)).status).toBe(404);
    expect((await post("/api/v1/sessions/gone/groups", { subject: "x", participants: ["628123456789"] })).status).toBe(404);
  });

  test("a session that exists but is not connected yet still enqueues", async () => {
    const res = await post("/api/v1/sessions/waiting-for-scan/messages/text", TEXT);
    expect(res.status).toBe(202);
    expect(await readJob(h.redis, res.body.data!.jobId)).toMatchObject({ name: "SEND_TEXT", data: { sessionId: "waiting-for-scan" } });
  });
});

describe("limits and unknown routes", () => {
  test("a body over the limit is 413", async () => {
    const small = await startApiHarness({ maxBodyBytes: 1024 });
    try {
      small.addSession({ id: "user-123" });
      const res = await small.call("POST", TEXT_PATH, { ...TEXT, text: "x".repeat(2000) });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ success: false, code: "PAYLOAD_TOO_LARGE" });
      expect(await jobCount(small.redis)).toBe(0);
    } finally {
      await small.close();
    }
  });

  test("an unknown route is 404 NOT_FOUND; an unknown job is 404 JOB_NOT_FOUND", async () => {
    expect(((await (await h.call("POST", "/api/v1/sessions/user-123/messages/fax", TEXT)).json()) as { code: string }).code).toBe("NOT_FOUND");
    const job = await h.call("GET", "/api/v1/jobs/no-such-job");
    expect(job.status).toBe(404);
    expect(await job.json()).toMatchObject({ code: "JOB_NOT_FOUND" });
  });
});
