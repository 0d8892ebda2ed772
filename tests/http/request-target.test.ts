import { expect, test } from "bun:test";
import { targetOf } from "../../src/http/request-guard.ts";

// The gate and the guard read the path from request.url on every request, without a URL parse where Bun's
// absolute URL makes one needless; what a parse would refuse must still be refused.
test("the request target of a request URL, as the router sees it", () => {
  expect(targetOf("http://localhost:8000/api/v1/sessions?page=2")).toBe("/api/v1/sessions?page=2");
  expect(targetOf("http://x/zz/api/v1/webhooks/secret")).toBe("/zz/api/v1/webhooks/secret");
  expect(targetOf("http://[::1]:8000/health")).toBe("/health");
  expect(targetOf("https://gw.example.com/docs")).toBe("/docs");
  // The raw path, as Elysia routes it: no dot segments resolved that the router would not resolve.
  expect(targetOf("http://localhost/a/../api/v1/sessions")).toBe("/a/../api/v1/sessions");
  for (const bad of ["/api/v1/sessions", "http://localhost:99999/api", "http://a b/api"]) expect(targetOf(bad)).toBeUndefined();
});
