import { afterEach, expect, test } from "bun:test";
import { EVENT_TYPES } from "../../src/registry/events/catalog.ts";
import { apiDocs } from "../../src/http/docs.ts";
import { buildApp } from "../../src/http/server.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { startHarness, type Harness } from "./support.ts";

let h: Harness;
afterEach(() => h.close());

test("the OpenAPI document lists the event and webhook routes, every event type with its data, and eventId on contract A", async () => {
  h = await startHarness();
  const app = buildApp({ log: createLogger("silent"), maxBodyBytes: 1 << 20, plugins: [...h.registry.plugins, ...h.delivery.plugins, apiDocs("test")], credentials: { integrator: "openapi-test-key-0123", worker: "openapi-worker-token-0123" } });
  const doc = (await (await app.handle(new Request("http://localhost/openapi.json"))).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  expect(ops).toEqual(
    expect.arrayContaining([
      "GET /api/v1/events",
      "GET /api/v1/events/stream",
      "GET /api/v1/webhooks/subscriptions",
      "POST /api/v1/webhooks/subscriptions",
      "GET /api/v1/webhooks/subscriptions/{id}",
      "PATCH /api/v1/webhooks/subscriptions/{id}",
      "DELETE /api/v1/webhooks/subscriptions/{id}",
      "GET /api/v1/webhooks/secret",
      "PUT /api/v1/sessions/{sessionId}/webhook",
      "GET /api/v1/webhooks/deliveries",
      "GET /api/v1/webhooks/deliveries/{id}",
      "POST /api/v1/webhooks/deliveries/{id}/redeliver",
      "POST /api/v1/webhooks/deliveries/redeliver",
    ]),
  );
  const events = JSON.stringify(doc.paths["/api/v1/events"]!.get);
  for (const type of EVENT_TYPES) expect(events).toContain(`| \`${type}\` |`);
  for (const path of ["/api/v1/workers/{workerId}/events", "/api/v1/webhooks/session-status", "/api/v1/webhooks/message-status"]) {
    expect(JSON.stringify(doc.paths[path]!.post)).toContain('"eventId"');
  }
});
