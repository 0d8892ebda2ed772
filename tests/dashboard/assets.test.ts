import { expect, test } from "bun:test";
import { dashboardRoutes } from "../../src/dashboard/index.ts";
import { buildApp } from "../../src/http/server.ts";
import { createLogger } from "../../src/platform/logger.ts";

// The gateway's own app in-process: the dashboard's file route behind the real error handler and auth gate.
const app = buildApp({
  log: createLogger("fatal"),
  maxBodyBytes: 1024,
  plugins: dashboardRoutes({ info: { version: "test", role: "all", sandbox: false } }),
  credentials: { integrator: "dashboard-assets-test-key-0123456789" },
});
const get = (path: string): Promise<Response> => app.handle(new Request(`http://localhost${path}`));

test("a dashboard module is served with its type", async () => {
  const res = await get("/dashboard/app.js");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect((await res.text()).length).toBeGreaterThan(0);
});

// Every name an object literal inherits from Object.prototype: a lookup in a plain object finds them all.
const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "__defineGetter__", "__lookupSetter__"];

test.each(PROTOTYPE_NAMES)("/dashboard/%s is no file: 404 in contract A's shape", async (name) => {
  const res = await get(`/dashboard/${name}`);
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ success: false, error: `No dashboard file "${name}"`, code: "NOT_FOUND" });
});
