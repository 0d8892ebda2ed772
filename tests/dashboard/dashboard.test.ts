import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import jsQR from "jsqr";
import { Queue } from "bullmq";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { launchChromium } from "../support/chromium.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const API_KEY = "dashboard-test-key-0123456789";
const ARTIFACTS = join(import.meta.dir, "../../test-artifacts/dashboard");
const data = makeTempDir();
let redis: TestRedis;
let gw: GatewayProcess;
let browser: Browser;
/** Every request any page made, and those that tried to leave the gateway. */
const requested: string[] = [];
const offsite: string[] = [];

async function sim<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gw.baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "x-api-key": API_KEY, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A browser context that plays an offline machine: anything not served by the gateway fails, and is recorded. */
async function offlineContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    requested.push(url.href);
    if (url.host === new URL(gw.baseUrl).host || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
  return context;
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${gw.baseUrl}/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  redis = await startTestRedis();
  gw = await spawnGateway({ args: ["--role=all", "--sandbox", `--data-dir=${data.path}`], env: { API_KEY: API_KEY, REDIS_URL: redis.url } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await redis?.stop();
  data.remove();
});

test("a wrong API key is refused and nothing is shown", async () => {
  const context = await offlineContext({ width: 1200, height: 800 });
  const page = await context.newPage();
  await signIn(page, "not-the-key");
  await page.getByText("That API key was refused.").waitFor();
  expect(await page.locator("#nav").isHidden()).toBe(true);
  expect(await page.evaluate("sessionStorage.length")).toBe(0);
  await shot(page, "00-wrong-key");
  await context.close();
}, 30_000);

test("link a number by scanning its QR, send, watch the event, stop: all in the page", async () => {
  const context = await offlineContext({ width: 1200, height: 900 });
  const page = await context.newPage();

  // 1. Sign in: the key goes to sessionStorage, and the sandbox banner shows.
  await signIn(page, API_KEY);
  await page.getByRole("heading", { name: "Sessions", exact: true }).waitFor();
  expect(await page.locator("#sandbox-banner").isVisible()).toBe(true);
  expect(await page.evaluate("localStorage.length")).toBe(0);
  expect(await page.evaluate("document.cookie")).toBe("");
  await shot(page, "01-signed-in");

  // 2. Create a session; its page shows the QR as an image that decodes to the simulator's QR string.
  await page.getByLabel("Session ID").fill("shop");
  await page.getByRole("button", { name: "Create" }).click();
  const qr = page.locator("img#qr");
  await qr.waitFor({ timeout: 30_000 });
  await page.waitForFunction('document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 0');
  await page.locator("#qr-countdown", { hasText: /expires in \d+ s/ }).waitFor();
  const decoded = await decodeShownQr(page);
  const { data: current } = await sim<{ data: { qr: string } }>("/api/v1/sessions/shop/qr");
  expect(decoded).toBe(current.qr);
  await shot(page, "02-qr");

  // 3. Scan with the simulated phone: the page turns to "connected as +…" with no reload.
  await page.evaluate("window.marker = 42");
  await page.getByRole("button", { name: /Scan the QR of shop/ }).click();
  const connected = page.locator("#connected-as");
  await connected.waitFor({ timeout: 30_000 });
  const { data: session } = await sim<{ data: { phoneNumber: string } }>("/api/v1/sessions/shop");
  expect(await connected.textContent()).toBe(`Connected as +${session.phoneNumber.replace(/^\+/, "")}`);
  expect(await page.evaluate("window.marker")).toBe(42);
  await shot(page, "03-connected");

  // 4. Send a test message; the simulated recipient's phone receives it.
  const friend = await sim<{ phone: string }>("/sim/accounts", { name: "Friend" });
  await page.getByLabel("To (phone number)").fill(friend.phone);
  await page.getByLabel("Text").fill("Hello from the dashboard test");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator("#send-result", { hasText: "completed" }).waitFor({ timeout: 30_000 });
  const inbox = await sim<{ message: { conversation?: string; extendedTextMessage?: { text: string } } }[]>(`/sim/accounts/${friend.phone}/inbox`);
  expect(inbox.map((m) => m.message.conversation ?? m.message.extendedTextMessage?.text)).toContain("Hello from the dashboard test");
  await shot(page, "04-sent");

  // 5. The live tail shows the message's events; the filters narrow it.
  await page.getByRole("link", { name: "Events" }).click();
  const sent = page.locator('li[data-event="messages.update"]', { hasText: "shop" });
  await sent.first().waitFor({ timeout: 20_000 });
  await page.getByLabel("Type").fill("session.status");
  await page.locator('li[data-event="session.status"]').first().waitFor();
  expect(await page.locator('li[data-event="messages.update"]').count()).toBe(0);
  await page.getByLabel("Type").fill("");
  await page.getByLabel("Session").fill("someone-else");
  expect(await page.locator(".log li").count()).toBe(0);
  await page.getByLabel("Session").fill("shop");
  await sent.first().waitFor();
  await shot(page, "05-events");

  // 6. Stop the session, after confirming.
  await page.getByRole("link", { name: "Sessions" }).click();
  await page.getByRole("link", { name: "shop" }).click();
  await page.getByRole("button", { name: "Stop" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Stop" }).click();
  await page.locator(".badge", { hasText: /^stopped$/ }).waitFor({ timeout: 30_000 });
  await shot(page, "06-stopped");

  // The key never appeared in a URL.
  expect(requested.filter((u) => u.includes(API_KEY))).toEqual([]);
  await context.close();
}, 120_000);

test("the page works at 375 px wide", async () => {
  const context = await offlineContext({ width: 375, height: 740 });
  const page = await context.newPage();
  await signIn(page, API_KEY);
  for (const section of ["Sessions", "Workers", "Queues", "Events", "Webhooks", "Sandbox"]) {
    await page.getByRole("link", { name: section, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: section }).waitFor();
    // Nothing wider than the screen: tables scroll inside their own box.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await shot(page, `07-narrow-${section.toLowerCase()}`);
  }
  await page.getByRole("link", { name: "Workers", exact: true }).click();
  await page.locator("tr[data-worker]").first().waitFor();
  await context.close();
}, 60_000);


test("workers: drain moves the worker to MAINTENANCE and undrain takes it back, from the page", async () => {
  const context = await offlineContext({ width: 1280, height: 900 });
  const page = await context.newPage();
  await signIn(page, API_KEY);
  await page.getByRole("link", { name: "Workers", exact: true }).click();
  const row = page.locator("tr[data-worker]").first();
  for (const [label, status] of [["Drain", "MAINTENANCE"], ["Undrain", "ONLINE"]] as const) {
    await row.getByRole("button", { name: label, exact: true }).click();
    await page.locator("#confirm-ok").click();
    await row.locator(`.badge.${status}`).waitFor({ timeout: 15_000 });
  }
  await row.getByRole("button", { name: "Drain", exact: true }).waitFor();
  await context.close();
}, 60_000);

test("API keys: make a scoped key (shown once), use it, revoke it: from the page", async () => {
  const context = await offlineContext({ width: 1280, height: 900 });
  const page = await context.newPage();
  await signIn(page, API_KEY);
  await page.getByRole("link", { name: "API keys", exact: true }).click();
  await page.getByLabel("Name").fill("shop-frontend");
  await page.getByLabel("Only these sessions (comma-separated; empty: all)").fill("shop-main");
  await page.getByLabel("sessions:read").check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.locator("[data-new-key]").textContent())!;
  expect(key).toStartWith("wag_");
  const row = page.locator("tr[data-key]", { hasText: "shop-frontend" });
  await row.getByText("shop-main").waitFor();
  expect(await row.textContent()).not.toContain(key);
  await shot(page, "40-api-keys");
  const sessions = () => fetch(`${gw.baseUrl}/api/v1/sessions`, { headers: { "x-api-key": key } });
  expect((await sessions()).status).toBe(200);
  // sessions:read cannot send.
  expect((await fetch(`${gw.baseUrl}/api/v1/sessions/shop-main/messages/text`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: "{}" })).status).toBe(403);
  await row.getByRole("button", { name: "Revoke shop-frontend" }).click();
  await page.locator("#confirm-ok").click();
  await row.getByText(/revoked/).waitFor();
  expect((await sessions()).status).toBe(401);
  await context.close();
}, 60_000);

/** Decodes the QR image the page shows, from its pixels as drawn (the page's CSP keeps fetch() off blob: URLs). */
async function decodeShownQr(page: Page): Promise<string | undefined> {
  const { width, height, b64 } = await page.evaluate<{ width: number; height: number; b64: string }>(`(() => {
    const img = document.getElementById("qr");
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext("2d");
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    let s = "";
    for (const b of px) s += String.fromCharCode(b);
    return { width: canvas.width, height: canvas.height, b64: btoa(s) };
  })()`);
  return jsQR(new Uint8ClampedArray(Buffer.from(b64, "base64")), width, height)?.data;
}

test("queues: a failed job shows its reason; retry and remove work from the page", async () => {
  // A producer that is not ours pushes a job the contract refuses: it fails for good, with a reason.
  const connection = await connectRedis(redis.url, "dashboard-test-producer");
  const queue = new Queue("whatsapp-jobs", { connection });
  await queue.add("SEND_TEXT", { sessionId: "shop" }, { jobId: "bad-job-1", attempts: 1, removeOnFail: false });
  const context = await offlineContext({ width: 1200, height: 800 });
  const page = await context.newPage();
  await signIn(page, API_KEY);
  await page.getByRole("link", { name: "Queues" }).click();
  const row = page.locator('tr[data-job="bad-job-1"]');
  await row.waitFor({ timeout: 20_000 });
  expect(await row.textContent()).toContain("SEND_TEXT");
  const { data: failed } = await sim<{ data: { jobId: string; failedReason: string }[] }>("/api/v1/queues/whatsapp-jobs/failed");
  const reason = failed.find((j) => j.jobId === "bad-job-1")?.failedReason ?? "";
  expect(reason.length).toBeGreaterThan(0);
  expect(await row.textContent()).toContain(reason);
  expect(Number(await page.locator('tr[data-queue="whatsapp-jobs"] td[data-count="failed"]').textContent())).toBeGreaterThanOrEqual(1);
  await shot(page, "08-queues-failed");

  // Retry: BullMQ runs it again (and it fails again, for the same reason).
  const firstFailure = (await queue.getJob("bad-job-1"))?.finishedOn ?? 0;
  expect(firstFailure).toBeGreaterThan(0);
  await row.getByRole("button", { name: "Retry" }).click();
  const failedAgain = async () => (await queue.getJobState("bad-job-1")) === "failed" && ((await queue.getJob("bad-job-1"))?.finishedOn ?? 0) > firstFailure;
  for (let i = 0; i < 100 && !(await failedAgain()); i++) await Bun.sleep(100);
  expect(await failedAgain()).toBe(true);

  // Remove, after confirming: gone from the queue and from the page.
  await row.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await row.waitFor({ state: "detached", timeout: 10_000 });
  expect(await queue.getJobState("bad-job-1")).toBe("unknown");
  await queue.close();
  connection.disconnect();
  await context.close();
}, 60_000);

test("sandbox mode keeps / and /health public; the dashboard info and /sim need the key", async () => {
  for (const path of ["/", "/health", "/dashboard/app.js"]) expect((await fetch(`${gw.baseUrl}${path}`)).status).toBe(200);
  for (const path of ["/api/v1/dashboard/info", "/api/v1/queues", "/sim/accounts"]) {
    expect((await fetch(`${gw.baseUrl}${path}`)).status).toBe(401);
    expect((await fetch(`${gw.baseUrl}${path}`, { headers: { authorization: "Bearer wrong-key-0123456789" } })).status).toBe(401);
  }
  const info = await sim<{ data: { sandbox: boolean } }>("/api/v1/dashboard/info");
  expect(info.data.sandbox).toBe(true);
});

test("no request left the gateway", () => {
  expect(requested.length).toBeGreaterThan(10);
  expect(offsite).toEqual([]);
});
