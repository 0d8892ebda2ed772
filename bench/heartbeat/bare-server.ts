/**
 * The baseline for bench:heartbeat: a bare authenticated Elysia JSON route,
 * built like the gateway's app (same error handler, body limit and token
 * check) and answering what the heartbeat answers, with no registry behind
 * it. Usage: bun bench/heartbeat/bare-server.ts <token>; prints {"port":N}.
 */
import { Elysia } from "elysia";
import { requires } from "../../src/http/auth.ts";
import { listen } from "../../src/http/listener.ts";
import { buildApp } from "../../src/http/server.ts";
import { createLogger } from "../../src/platform/logger.ts";

const token = process.argv[2];
if (!token) throw new Error("usage: bare-server.ts <token>");
const log = createLogger("warn");
const route = new Elysia({ detail: requires("worker") })
  // Reading the body makes Elysia parse the JSON, as the real route does.
  .put("/bare/workers/:workerId/heartbeat", ({ params, body }) => ({
    success: true,
    data: { workerId: params.workerId, status: body ? "acknowledged" : "empty", commands: [] },
  }));
const maxBodyBytes = 25 * 1024 * 1024;
// Served the way the gateway serves its app.
const app = buildApp({ log, maxBodyBytes, plugins: [route], credentials: { worker: token } });
app.compile();
const listener = listen({ host: "127.0.0.1", port: 0, maxBodyBytes, version: "bench", role: "bench" });
listener.serve(app.fetch);
process.stdout.write(`${JSON.stringify({ port: listener.port })}\n`);
process.once("SIGTERM", () => void listener.stop().then(() => process.exit(0)));
