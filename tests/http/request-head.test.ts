import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnGatewayOnTestRedis, type GatewayOnRedis } from "../support/gateway-process.ts";
import { rawRequest } from "../support/raw-http.ts";

/*
 * An oversize request line or header block gets contract A's error shape. Bun answers a head over its
 * ceiling itself (16 KiB by default: a bare 431 with no body, before any JavaScript runs); the gateway
 * raises that ceiling (--max-http-header-size, src/http/request-guard.ts) and refuses below it itself.
 */
const API_KEY = "request-head-api-key-0123456789";
let world: GatewayOnRedis;
beforeAll(async () => {
  world = await spawnGatewayOnTestRedis({ env: { API_KEY } });
}, 60_000);
afterAll(() => world?.stop());

const get = (target: string, extraHeader = "") =>
  rawRequest(world.gateway.port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${API_KEY}\r\n${extraHeader}Connection: close\r\n\r\n`);

test("a 100 KB query string is 414 URI_TOO_LONG in contract A's shape", async () => {
  const res = await get(`/api/v1/sessions?filter=${"a".repeat(100_000)}`);
  expect(res.status).toBe(414);
  expect(res.headers["content-type"]).toContain("application/json");
  expect(JSON.parse(res.body)).toEqual({ success: false, error: "The request target is longer than 8192 bytes", code: "URI_TOO_LONG" });
});

test("a 20 KB header is 431 HEADERS_TOO_LARGE in contract A's shape", async () => {
  const res = await get("/api/v1/sessions", `X-Padding: ${"p".repeat(20_000)}\r\n`);
  expect(res.status).toBe(431);
  expect(JSON.parse(res.body)).toEqual({ success: false, error: "The request headers are larger than 16384 bytes", code: "HEADERS_TOO_LARGE" });
});

test("a long but reasonable query string still reaches the route", async () => {
  const res = await get(`/api/v1/sessions?filter=${"a".repeat(4000)}`);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toMatchObject({ success: true });
});

test("past Bun's raised ceiling (128 KiB), Bun itself still answers: a bare 431", async () => {
  const res = await get(`/api/v1/sessions?filter=${"a".repeat(200_000)}`);
  expect(res.status).toBe(431);
  expect(res.body).toBe("");
});
