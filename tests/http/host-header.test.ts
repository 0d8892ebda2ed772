import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGatewayOnTestRedis, type GatewayOnRedis } from "../support/gateway-process.ts";
import { rawRequest } from "../support/raw-http.ts";

/*
 * The routed path is the request's path, whatever the Host header. Elysia 1.4.30 finds the path by
 * searching for "/" from the URL's 11th character, which with a Host of 1 to 3 characters lies inside
 * the path: `GET /zz/api/v1/webhooks/secret` with `Host: x` was answered by /api/v1/webhooks/secret.
 * Raw sockets, since fetch always sends the real host.
 */
const API_KEY = "host-header-api-key-0123456789";
let world: GatewayOnRedis;
beforeAll(async () => {
  world = await spawnGatewayOnTestRedis({ env: { API_KEY } });
}, 60_000);
afterAll(() => world?.stop());

const get = (path: string, host: string) =>
  rawRequest(world.gateway.port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${API_KEY}\r\nConnection: close\r\n\r\n`);

describe("the Host header cannot change which route answers", () => {
  test("a path with a prefix is not routed to the path without it, whatever the Host's length", async () => {
    for (const [host, path] of [
      ["x", "/zz/api/v1/webhooks/secret"],
      ["ab", "/z/api/v1/webhooks/secret"],
      ["x", "/zz/api/v1/sessions"],
    ] as const) {
      const res = await get(path, host);
      expect({ host, path, status: res.status }).toEqual({ host, path, status: 404 });
      expect(JSON.parse(res.body)).toEqual({ success: false, error: `No route for GET ${path}`, code: "NOT_FOUND" });
    }
  });

  test("real paths route under every usual Host, short ones included", async () => {
    for (const host of ["x", "a.b", "localhost", `127.0.0.1:${world.gateway.port}`, `[::1]:${world.gateway.port}`, "[::1]", "wa-gateway.example.com"]) {
      const res = await get("/api/v1/webhooks/secret", host);
      expect({ host, status: res.status }).toEqual({ host, status: 200 });
      expect(JSON.parse(res.body)).toMatchObject({ success: true, data: { secret: expect.any(String) } });
    }
  });

  test("a Host no URL can be made of is 400 in contract A's shape, not a 500", async () => {
    for (const host of ["", "a/b", "a?b", "localhost:99999"]) {
      const res = await get("/api/v1/webhooks/secret", host);
      expect({ host, status: res.status }).toEqual({ host, status: 400 });
      expect(JSON.parse(res.body)).toEqual({ success: false, error: "The Host header is missing or is not a host[:port]", code: "BAD_REQUEST" });
    }
  });
});
