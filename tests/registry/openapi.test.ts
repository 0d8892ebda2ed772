import { expect, test } from "bun:test";
import { apiDocs } from "../../src/http/docs.ts";
import { buildApp } from "../../src/http/server.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { startTestRegistry } from "./support.ts";

test("the OpenAPI document lists every registry route and the command shapes a heartbeat can carry", async () => {
  const r = startTestRegistry();
  try {
    const app = buildApp({ log: createLogger("silent"), maxBodyBytes: 1 << 20, plugins: [...r.registry.plugins, apiDocs("test")], credentials: { integrator: "openapi-test-key-0123", worker: "openapi-worker-token-0123" } });
    const doc = (await (await app.handle(new Request("http://localhost/openapi.json"))).json()) as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        "POST /api/v1/workers/register",
        "PUT /api/v1/workers/{workerId}/heartbeat",
        "POST /api/v1/workers/{workerId}/events",
        "DELETE /api/v1/workers/{workerId}",
        "POST /api/v1/webhooks/session-status",
        "POST /api/v1/webhooks/message-status",
        "GET /api/v1/workers",
        "GET /api/v1/workers/{workerId}",
        "GET /api/v1/workers/{workerId}/metrics",
        "POST /api/v1/workers/{workerId}/drain",
      ]),
    );
    const heartbeat = JSON.stringify(doc.paths["/api/v1/workers/{workerId}/heartbeat"]!.put);
    for (const type of ["START_SESSION", "STOP_SESSION", "DELETE_SESSION", "DRAIN"]) expect(heartbeat).toContain(`"const":"${type}"`);
    expect(heartbeat).toContain("ackCommandIds");
  } finally {
    r.close();
  }
});
