import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const CHROMIUM = "/usr/bin/chromium";
const data = makeTempDir();
let gw: GatewayProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error("Chromium is missing: run scripts/bootstrap.sh --test (apt-get install chromium)");
  gw = await spawnGateway({ args: [`--data-dir=${data.path}`] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  data.remove();
});

test("the docs UI renders with no network: every request stays on the gateway", async () => {
  const page = await browser.newPage();
  const offsite: string[] = [];
  // Play an offline machine: anything not served by the gateway itself fails.
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host === new URL(gw.baseUrl).host || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
  for (const path of ["/docs", "/swagger"]) {
    await page.goto(`${gw.baseUrl}${path}`);
    expect(new URL(page.url()).pathname).toBe("/docs");
    // Scalar renders the operations from /openapi.json; their summaries only appear if the UI script ran.
    await page.getByText("Readiness: Redis and the database answer").first().waitFor({ timeout: 20_000 });
    const text = await page.locator("body").innerText();
    expect(text).toContain("wa-gateway API");
    expect(text).toContain("Liveness: the process is up");
  }
  await page.screenshot({ path: join(data.path, "docs.png") });
  expect(offsite).toEqual([]);
});

test("the OpenAPI document is 3.1 and describes the health routes", async () => {
  const res = await fetch(`${gw.baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
  expect(doc.openapi).toStartWith("3.1");
  expect(doc.info.title).toBe("wa-gateway API");
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/health", "/ready"]));
  expect(Object.keys(doc.paths)).not.toContain("/docs/scalar.js");
});
