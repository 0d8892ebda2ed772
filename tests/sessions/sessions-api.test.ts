import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startApiHarness, type ApiHarness } from "../jobs/support/api-harness.ts";
import { readJob } from "../jobs/support/read-job.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h.close());

interface Reply<T = unknown> {
  status: number;
  body: { success: boolean; code?: string; error?: string; data: T; pagination?: { page: number; limit: number; total: number; totalPages: number } };
}

async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await h.call(method, path, body);
  return { status: res.status, body: (await res.json()) as Reply<T>["body"] };
}

async function jobOf(reply: Reply<{ jobId: string }>) {
  expect(reply.status).toBe(202);
  return readJob(h.redis, reply.body.data.jobId);
}

interface View {
  sessionId: string;
  status: string;
  webhookUrl: string | null;
  metadata: Record<string, unknown> | null;
  phoneNumber: string | null;
  workerId: string | null;
  pairingCode: string | null;
  hasQr: boolean;
  createdAt: string;
}

describe("create or start", () => {
  test("creates the session with its webhook URL and metadata, and queues START_SESSION", async () => {
    const job = await jobOf(await call("POST", "/api/v1/sessions", { sessionId: "shop-1", webhookUrl: "https://example.com/hook", metadata: { customerId: "c-42" } }));
    expect(job).toMatchObject({ name: "START_SESSION", data: { sessionId: "shop-1" } });
    const got = await call<View>("GET", "/api/v1/sessions/shop-1");
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ sessionId: "shop-1", status: "created", webhookUrl: "https://example.com/hook", metadata: { customerId: "c-42" }, hasQr: false, workerId: null });
    expect(Date.parse(got.body.data.createdAt)).toBeGreaterThan(Date.now() - 10_000);
  });

  test("starting again keeps what is not given and updates what is", async () => {
    await jobOf(await call("POST", "/api/v1/sessions", { sessionId: "shop-1", metadata: { customerId: "c-43" } }));
    expect((await call<View>("GET", "/api/v1/sessions/shop-1")).body.data).toMatchObject({ webhookUrl: "https://example.com/hook", metadata: { customerId: "c-43" } });
  });

  test("with a phone number, START_SESSION asks for a pairing code", async () => {
    expect(await jobOf(await call("POST", "/api/v1/sessions", { sessionId: "shop-2", phoneNumber: "+6281234567890" }))).toMatchObject({
      name: "START_SESSION",
      data: { sessionId: "shop-2", phoneNumber: "6281234567890" },
    });
  });

  test("metadata over 16 KB is refused", async () => {
    const res = await call("POST", "/api/v1/sessions", { sessionId: "shop-3", metadata: { blob: "x".repeat(17_000) } });
    expect([res.status, res.body.code]).toEqual([400, "VALIDATION_ERROR"]);
    expect((await call("GET", "/api/v1/sessions/shop-3")).status).toBe(404);
  });
});

describe("pairing code", () => {
  test("queues START_SESSION with the phone number for an existing session", async () => {
    h.addSession({ id: "pair-me", status: "qr_required" });
    expect(await jobOf(await call("POST", "/api/v1/sessions/pair-me/pairing-code", { phoneNumber: "6281234567890" }))).toMatchObject({
      name: "START_SESSION",
      data: { sessionId: "pair-me", phoneNumber: "6281234567890" },
    });
  });

  test("the code shows on the session once the worker reports it", async () => {
    h.addSession({ id: "paired", status: "pairing_code", pairingCode: "ABCD1234" });
    expect((await call<View>("GET", "/api/v1/sessions/paired")).body.data).toMatchObject({ status: "pairing_code", pairingCode: "ABCD1234" });
  });

  test("refused for a connected session (409), an unknown one (404), or a malformed number (400)", async () => {
    h.addSession({ id: "already", status: "connected" });
    expect((await call("POST", "/api/v1/sessions/already/pairing-code", { phoneNumber: "6281234567890" })).body.code).toBe("SESSION_ALREADY_CONNECTED");
    expect((await call("POST", "/api/v1/sessions/nobody/pairing-code", { phoneNumber: "6281234567890" })).status).toBe(404);
    const bad = await call("POST", "/api/v1/sessions/pair-me/pairing-code", { phoneNumber: "0812-3456" });
    expect([bad.status, bad.body.error]).toEqual([400, "Invalid body.phoneNumber: must be a phone number with country code: 6-15 digits, optional leading +"]);
  });
});

describe("stop and delete", () => {
  test("stop queues STOP_SESSION and keeps the session", async () => {
    h.addSession({ id: "stop-me" });
    expect(await jobOf(await call("POST", "/api/v1/sessions/stop-me/stop"))).toMatchObject({ name: "STOP_SESSION", data: { sessionId: "stop-me" } });
    expect((await call("GET", "/api/v1/sessions/stop-me")).status).toBe(200);
  });

  test("delete queues DELETE_SESSION; the session is gone at once; starting the id again begins afresh", async () => {
    h.addSession({ id: "delete-me", phoneNumber: "6281111111111", workerId: "worker-1", metadata: '{"a":1}' });
    expect(await jobOf(await call("DELETE", "/api/v1/sessions/delete-me"))).toMatchObject({ name: "DELETE_SESSION", data: { sessionId: "delete-me" } });
    expect((await call("GET", "/api/v1/sessions/delete-me")).body.code).toBe("SESSION_NOT_FOUND");
    expect((await call("POST", "/api/v1/sessions/delete-me/stop")).status).toBe(404);
    await jobOf(await call("POST", "/api/v1/sessions", { sessionId: "delete-me" }));
    expect((await call<View>("GET", "/api/v1/sessions/delete-me")).body.data).toMatchObject({ status: "created", phoneNumber: null, workerId: null, metadata: null });
  });

  test("stop and delete of an unknown session are 404", async () => {
    expect((await call("POST", "/api/v1/sessions/nobody/stop")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/sessions/nobody")).status).toBe(404);
  });
});

describe("list", () => {
  beforeAll(() => {
    for (let i = 0; i < 5; i++) h.addSession({ id: `list-${i}`, status: i % 2 ? "connected" : "disconnected", workerId: `w-${i % 2}`, phoneNumber: `62800000000${i}`, createdAt: 1_000 + i });
    h.addSession({ id: "list-deleted", status: "deleted", workerId: "w-1" });
  });

  test("filters by status, worker and phone number", async () => {
    const ids = async (query: string) => (await call<View[]>("GET", `/api/v1/sessions?${query}`)).body.data.map((s) => s.sessionId);
    expect(await ids("status=connected&workerId=w-1")).toEqual(["list-3", "list-1"]);
    expect(await ids("workerId=w-0")).toEqual(["list-4", "list-2", "list-0"]);
    expect(await ids("phoneNumber=%2B628000000002")).toEqual(["list-2"]);
    expect(await ids("status=deleted")).toContain("list-deleted");
    expect(await ids("workerId=w-1")).not.toContain("list-deleted");
  });

  test("pages, newest first", async () => {
    const page = await call<View[]>("GET", "/api/v1/sessions?workerId=w-0&limit=2&page=2");
    expect(page.body.data.map((s) => s.sessionId)).toEqual(["list-0"]);
    expect(page.body.pagination).toEqual({ page: 2, limit: 2, total: 3, totalPages: 2 });
  });

  test("bad paging or an unknown status is 400 naming the parameter", async () => {
    expect((await call("GET", "/api/v1/sessions?limit=500")).body.error).toBe("Invalid query.limit: must be an integer from 1 to 100");
    expect((await call("GET", "/api/v1/sessions?page=0")).body.error).toBe("Invalid query.page: must be an integer from 1");
    expect((await call("GET", "/api/v1/sessions?status=sleeping")).body.error).toStartWith("Invalid query.status");
  });
});
