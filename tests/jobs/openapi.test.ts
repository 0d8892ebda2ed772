import { afterAll, beforeAll, expect, test } from "bun:test";
import pino from "pino";
import { apiDocs } from "../../src/http/docs.ts";
import { buildApp } from "../../src/http/server.ts";
import { startApiHarness, type ApiHarness } from "./support/api-harness.ts";
import contractJobs from "./fixtures/contract-b-jobs.json";

interface Operation {
  security?: unknown[];
  requestBody?: { content: { "application/json": { schema: { examples?: unknown[] } } } };
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

let h: ApiHarness;
let doc: Doc;
beforeAll(async () => {
  h = await startApiHarness();
  const app = buildApp({ log: pino({ level: "silent" }), maxBodyBytes: 1024 * 1024, plugins: [...h.api.plugins, apiDocs("test")], credentials: { integrator: "openapi-test-key-0123" } });
  doc = (await (await app.handle(new Request("http://localhost/openapi.json"))).json()) as Doc;
});
afterAll(() => h.close());

const without = (o: object, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

test("every integrator route is documented, with the API key as its security and the scope a scoped key needs", () => {
  const expected: [string, string, string][] = [
    ["post", "/api/v1/sessions", "sessions:manage"],
    ["get", "/api/v1/sessions", "sessions:read"],
    ["get", "/api/v1/sessions/{sessionId}", "sessions:read"],
    ["delete", "/api/v1/sessions/{sessionId}", "sessions:manage"],
    ["get", "/api/v1/sessions/{sessionId}/qr", "sessions:read"],
    ["get", "/api/v1/sessions/{sessionId}/qr.png", "sessions:read"],
    ["get", "/api/v1/sessions/{sessionId}/qr.svg", "sessions:read"],
    ["post", "/api/v1/sessions/{sessionId}/pairing-code", "sessions:manage"],
    ["post", "/api/v1/sessions/{sessionId}/stop", "sessions:manage"],
    ["post", "/api/v1/sessions/{sessionId}/messages/text", "messages:send"],
    ["post", "/api/v1/sessions/{sessionId}/messages/media", "messages:send"],
    ["post", "/api/v1/sessions/{sessionId}/messages/poll", "messages:send"],
    ["post", "/api/v1/sessions/{sessionId}/messages/reaction", "messages:send"],
    ["post", "/api/v1/sessions/{sessionId}/messages/reply", "messages:send"],
    ["post", "/api/v1/sessions/{sessionId}/groups", "messages:send"],
    ["post", "/api/v1/sessions/{sessionId}/groups/{groupJid}/participants", "messages:send"],
    ["get", "/api/v1/jobs/{jobId}", "sessions:read"],
  ];
  for (const [method, path, scope] of expected) {
    expect([method, path, doc.paths[path]?.[method]?.security]).toEqual([method, path, [{ bearerAuth: [scope] }, { apiKeyHeader: [scope] }]]);
  }
  expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKeyHeader", "bearerAuth", "workerToken"]);
});

test("request examples are contract B's payloads minus what the path carries", () => {
  const example = (path: string) => doc.paths[path]?.post?.requestBody?.content["application/json"].schema.examples?.[0];
  const M = "/api/v1/sessions/{sessionId}/messages";
  expect(example(`${M}/text`)).toEqual(without(contractJobs.SEND_TEXT.data, "sessionId"));
  expect(example(`${M}/media`)).toEqual(without(contractJobs.SEND_MEDIA.data, "sessionId"));
  expect(example(`${M}/poll`)).toEqual(without(contractJobs.SEND_POLL.data, "sessionId"));
  expect(example(`${M}/reaction`)).toEqual(without(contractJobs.SEND_REACTION.data, "sessionId"));
  expect(example(`${M}/reply`)).toEqual(without(contractJobs.SEND_REPLY.data, "sessionId"));
  expect(example("/api/v1/sessions/{sessionId}/groups")).toEqual(without(contractJobs.GROUP_CREATE.data, "sessionId"));
  expect(example("/api/v1/sessions/{sessionId}/groups/{groupJid}/participants")).toEqual(without(contractJobs.GROUP_UPDATE_PARTICIPANTS.data, "sessionId", "jid"));
  expect(example("/api/v1/sessions")).toMatchObject(contractJobs.START_SESSION.data);
});
