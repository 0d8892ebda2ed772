import { expect, test } from "bun:test";
import { join } from "node:path";
import { useDocsGateway } from "./support.ts";

const docs = useDocsGateway();

test("the docs UI renders with no network: every request stays on the gateway", async () => {
  const page = await docs.browser.newPage();
  const offsite: string[] = [];
  // Play an offline machine: anything not served by the gateway itself fails.
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host === new URL(docs.gateway.baseUrl).host || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
  // What Scalar must show, taken from the document itself: every tag group in the sidebar, and the first
  // operation of the first (expanded) group. These only appear if the embedded UI script ran.
  const doc = (await (await fetch(`${docs.gateway.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> };
  const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
  const tags = [...new Set(operations.flatMap((o) => o.tags ?? []))];
  const firstSummary = operations.find((o) => o.tags?.[0] === tags[0] && o.summary)?.summary;
  expect(tags.length).toBeGreaterThan(0);
  expect(firstSummary).toBeTruthy();
  for (const path of ["/docs", "/swagger"]) {
    await page.goto(`${docs.gateway.baseUrl}${path}`);
    expect(new URL(page.url()).pathname).toBe("/docs");
    await page.getByText(firstSummary!).first().waitFor({ timeout: 20_000 });
    const text = await page.locator("body").innerText();
    expect(text).toContain("wa-gateway API");
    for (const tag of tags) expect(text).toContain(tag);
  }
  await page.screenshot({ path: join(docs.dataDir, "docs.png") });
  expect(offsite).toEqual([]);
});

test("the OpenAPI document is 3.1 and describes the health routes", async () => {
  const res = await fetch(`${docs.gateway.baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
  expect(doc.openapi).toStartWith("3.1");
  expect(doc.info.title).toBe("wa-gateway API");
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/health", "/ready"]));
  expect(Object.keys(doc.paths)).not.toContain("/docs/scalar.js");
});
