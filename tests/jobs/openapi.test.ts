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

test("every integrator route is documented, with the API key as its security", () => {
  const expected: [string, string][] = [
    ["post", "/api/v1/sessions"],
    ["get", "/api/v1/sessions"],
    ["get", "/api/v1/sessions/{sessionId}"],
    ["delete", "/api/v1/sessions/{sessionId}"],
    ["get", "/api/v1/sessions/{sessionId}/qr"],
    ["get", "/api/v1/sessions/{sessionId}/qr.png"],
    ["get", "/api/v1/sessions/{sessionId}/qr.svg"],
    ["post", "/api/v1/sessions/{sessionId}/pairing-code"],
    ["post", "/api/v1/sessions/{sessionId}/stop"],
    ["post", "/api/v1/sessions/{sessionId}/messages/text"],
    ["post", "/api/v1/sessions/{sessionId}/messages/media"],
    ["post", "/api/v1/sessions/{sessionId}/messages/poll"],
    ["post", "/api/v1/sessions/{sessionId}/messages/reaction"],
    ["post", "/api/v1/sessions/{sessionId}/messages/reply"],
    ["post", "/api/v1/sessions/{sessionId}/groups"],
    ["post", "/api/v1/sessions/{sessionId}/groups/{groupJid}/participants"],
    ["get", "/api/v1/jobs/{jobId}"],
  ];
  for (const [method, path] of expected) {
    expect([method, path, doc.paths[path]?.[method]?.security]).toEqual([method, path, [{ bearerAuth: [] }, { apiKeyHeader: [] }]]);
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
