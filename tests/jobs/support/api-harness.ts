import type { AnyElysia } from "elysia";
import { Redis } from "ioredis";
import pino from "pino";
import { buildApp } from "../../../src/http/server.ts";
import { integratorApi, type IntegratorApi } from "../../../src/roles/coordinator/integrator-api.ts";
import type { MediaPolicy } from "../../../src/media/policy.ts";
import { openDatabase, type GatewayDatabase } from "../../../src/platform/db/database.ts";
import { redisOptions } from "../../../src/platform/redis/redis-connection.ts";
import { sessions, type SessionRow } from "../../../src/sessions/schema.ts";
import { startTestRedis, type TestRedis } from "../../support/redis-server.ts";
import { makeTempDir } from "../../support/temp-dir.ts";

export const API_KEY = "test-api-key-0123456789";

export interface ApiHarness {
  app: AnyElysia;
  redis: Redis;
  redisServer: TestRedis;
  db: GatewayDatabase;
  api: IntegratorApi;
  /** Sends a request with the API key (unless headers say otherwise) and a JSON body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  addSession(row: Partial<SessionRow> & { id: string }): void;
  close(): Promise<void>;
}

/**
 * The integrator API in this process, over a real Redis and a real SQLite
 * file, as the gateway builds it. `media` overrides the media policy.
 */
export async function startApiHarness(opts: { maxBodyBytes?: number; media?: Partial<MediaPolicy> } = {}): Promise<ApiHarness> {
  const redisServer = await startTestRedis();
  const redis = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
  const dir = makeTempDir("wag-api-");
  const log = pino({ level: "silent" });
  const db = openDatabase(dir.path, log);
  const api = integratorApi({ db, redis, media: { maxBytes: 1024 * 1024, allowPrivateUrls: false, ...opts.media }, webhookUrls: { allowPrivate: false, resolve: async () => ["93.184.215.14"] } });
  const app = buildApp({ log, maxBodyBytes: opts.maxBodyBytes ?? 25 * 1024 * 1024, plugins: api.plugins, credentials: { integrator: API_KEY } });
  return {
    app,
    redis,
    redisServer,
    db,
    api,
    call(method, path, body, headers = {}) {
      const h: Record<string, string> = { authorization: `Bearer ${API_KEY}`, ...headers };
      const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      if (text !== undefined) {
        h["content-type"] = "application/json";
        // As an HTTP client would send it; the body limit reads it.
        h["content-length"] = String(Buffer.byteLength(text));
      }
      return app.handle(new Request(`http://localhost${path}`, { method, headers: h, body: text }));
    },
    addSession(row) {
      const now = Date.now();
      db.orm.insert(sessions).values({ status: "connected", createdAt: now, updatedAt: now, ...row }).run();
    },
    async close() {
      await api.stop();
      redis.disconnect();
      db.close();
      await redisServer.stop();
      dir.remove();
    },
  };
}
