import { expect } from "bun:test";
import type { AnyElysia } from "elysia";
import { rmSync } from "node:fs";
import type { ErrorCode } from "../../src/contracts/worker-api/error-codes.ts";
import { buildApp } from "../../src/http/server.ts";
import { openDatabase, type GatewayDatabase } from "../../src/platform/db/database.ts";
import { createLogger, type Logger } from "../../src/platform/logger.ts";
import { createRegistry, type Registry, type RegistrySettings } from "../../src/registry/index.ts";
import { makeTempDir } from "../support/temp-dir.ts";

/** Contract A's own example token, so its requests can be replayed verbatim. */
export const WORKER_TOKEN = "worker-secret-token-12345";
export const API_KEY = "integrator-api-key-0123456789";

export const DEFAULT_SETTINGS: RegistrySettings = {
  heartbeatIntervalMs: 10_000,
  heartbeatTimeoutMs: 30_000,
  metricsRawRetentionMs: 24 * 3_600_000,
  metricsRetentionMs: 30 * 86_400_000,
};

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface TestRegistry {
  app: AnyElysia;
  db: GatewayDatabase;
  registry: Registry;
  dataDir: string;
  /** Calls the app in-process; `token` defaults to the worker token, null sends none. */
  call(method: string, path: string, opts?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Reply>;
  /** Stops the registry and closes the database; `keepData` leaves the data dir for a second start. */
  close(opts?: { keepData?: boolean }): void;
}

/** The registry over a real SQLite file in a temp dir, with its routes in an app built like the gateway's. */
export function startTestRegistry(opts: { settings?: Partial<RegistrySettings>; now?: () => number; dataDir?: string; log?: Logger; start?: boolean } = {}): TestRegistry {
  const given = opts.dataDir;
  const dir = given ? { path: given, remove: () => rmSync(given, { recursive: true, force: true }) } : makeTempDir("wag-reg-");
  const log = opts.log ?? createLogger("silent");
  const db = openDatabase(dir.path, log);
  const registry = createRegistry({ db, log, settings: { ...DEFAULT_SETTINGS, ...opts.settings }, now: opts.now });
  if (opts.start) registry.start();
  const app = buildApp({ log, maxBodyBytes: 1 << 20, plugins: registry.plugins, credentials: { integrator: API_KEY, worker: WORKER_TOKEN } });
  return {
    app,
    db,
    registry,
    dataDir: dir.path,
    async call(method, path, { body, token = WORKER_TOKEN, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers };
      if (token !== null) h.authorization = `Bearer ${token}`;
      if (body !== undefined) h["content-type"] = "application/json";
      const res = await app.handle(new Request(`http://localhost${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) }));
      const reply = { status: res.status, body: (await res.json()) as Record<string, unknown> };
      // Heartbeats are committed every few milliseconds; commit them now so tests can read the tables.
      registry.flush();
      return reply;
    },
    close({ keepData = false } = {}) {
      registry.stop();
      db.close();
      if (!keepData) dir.remove();
    },
  };
}

/** A register body for worker `id`, at an endpoint derived from it unless given. */
export function registration(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { workerId: id, endpoint: `http://localhost:8001/${id}`, maxSessions: 10, status: "ONLINE", environment: "TESTING", ...extra };
}

/** Asserts contract A's error shape: exactly {success:false, error, code}. */
export function expectError(reply: Reply, status: number, code: ErrorCode, errorIncludes?: string): void {
  expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
  expect(Object.keys(reply.body).sort()).toEqual(["code", "error", "success"]);
  expect(reply.body.success).toBe(false);
  expect(typeof reply.body.error).toBe("string");
  if (errorIncludes !== undefined) expect(reply.body.error).toContain(errorIncludes);
}
