import { expect, test } from "bun:test";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { useDocsGateway } from "./support.ts";

/*
 * Issue 17.6: the docs page must not talk to anyone but the gateway, whatever
 * the reader clicks. Scalar's reference has buttons that send the whole
 * OpenAPI document to Scalar's servers ("Generate MCP", "Ask AI", the
 * developer tools' "Share") and links to its sites. This test loads /docs,
 * clicks everything it can reach (menus and dialogs included) and records
 * every request through CDP, Playwright's request events and a route that
 * aborts anything off-host (so nothing leaves this machine during the test).
 */

const docs = useDocsGateway();

/** Protocols that never reach a network. */
const LOCAL_PROTOCOLS = new Set(["data:", "blob:", "about:", "javascript:", "chrome-error:", "chrome:", "devtools:"]);

class OffHostRecorder {
  readonly offHost = new Set<string>();
  readonly seen = new Set<string>();
  constructor(private readonly host: string) {}

  record(url: string, via: string): void {
    this.seen.add(url);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      this.offHost.add(`${via}: ${url}`);
      return;
    }
    if (LOCAL_PROTOCOLS.has(parsed.protocol) || parsed.host === this.host) return;
    this.offHost.add(`${via}: ${parsed.protocol}//${parsed.host}${parsed.pathname}`);
  }

  /** Every request a page makes, as the browser's network layer reports it (before any interception). */
  async watch(context: BrowserContext, page: Page): Promise<CDPSession> {
    const cdp = await context.newCDPSession(page);
    cdp.on("Network.requestWillBeSent", (event) => this.record(event.request.url, "cdp"));
    cdp.on("Network.webSocketCreated", (event) => this.record(event.url, "cdp websocket"));
    await cdp.send("Network.enable");
    return cdp;
  }
}

/** What can be clicked or typed into, as a user would: links, buttons, menu items, tabs, form fields. */
const CLICKABLE = [
  "a[href]", "button", "summary", "label", "select", "textarea", "input:not([type=hidden])", "[onclick]",
  "[role=button]", "[role=link]", "[role=menuitem]", "[role=menuitemradio]", "[role=menuitemcheckbox]", "[role=tab]",
  "[role=option]", "[role=switch]", "[role=checkbox]", "[role=radio]", "[role=combobox]", "[tabindex]:not([tabindex='-1'])",
].join(",");

interface Target {
  index: number;
  /** Same element across re-renders: what a user sees of it. */
  signature: string;
  /** Elements of one kind (say the sidebar's operation links) share it, so the walk visits every kind first. */
  kind: string;
  typeable: boolean;
}

/**
 * Numbers the visible clickable elements (data-probe) and describes them as Targets. Runs in the page
 * (a string: the tests compile without the DOM's types). Besides what the selector names, anything drawn
 * with a pointer cursor counts (the outermost such element): Vue binds click handlers to plain divs, as
 * Scalar's "Generate MCP" is.
 */
const VISIBLE_TARGETS = `(selector) => {
  const targets = [];
  document.querySelectorAll("[data-probe]").forEach((el) => delete el.dataset.probe);
  const candidates = new Set(document.querySelectorAll(selector));
  for (const el of document.body.querySelectorAll("*")) {
    if (getComputedStyle(el).cursor !== "pointer") continue;
    if (el.parentElement && getComputedStyle(el.parentElement).cursor === "pointer") continue;
    candidates.add(el);
  }
  [...candidates].forEach((el, index) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden" || style.display === "none" || el.disabled) return;
    el.dataset.probe = String(index);
    const text = (el.innerText || el.value || el.placeholder || "").trim().replace(/\\s+/g, " ").slice(0, 80);
    const kind = [el.tagName, el.getAttribute("role") ?? "", el.getAttribute("class") ?? ""].join("|");
    const typeable = el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && ["text", "search", "email", "url", "password", ""].includes(el.type));
    targets.push({ index, signature: [kind, el.getAttribute("aria-label") ?? "", text, el.getAttribute("href") ?? ""].join("|"), kind, typeable });
  });
  return targets;
}`;

async function openDocs(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/docs`);
  await page.getByText("wa-gateway API").first().waitFor({ timeout: 20_000 });
}

/**
 * Clicks every distinct element once (up to `cap`), newly revealed ones
 * (an opened menu or dialog) first, then the kind clicked least so far, so a
 * long list of sidebar links cannot crowd out the rest. Text fields get text
 * and Enter, since some features only call out when a form is submitted.
 */
async function clickEverything(page: Page, base: string, cap: number, deadline: number): Promise<string[]> {
  const clicked = new Set<string>();
  const failures = new Map<string, number>();
  const clicksPerKind = new Map<string, number>();
  let previous = new Set<string>();
  while (clicked.size < cap && Date.now() < deadline) {
    if (!page.url().startsWith(`${base}/docs`)) await openDocs(page, base);
    const targets = await page.evaluate<Target[]>(`(${VISIBLE_TARGETS})(${JSON.stringify(CLICKABLE)})`).catch((): Target[] => []);
    const open = targets.filter((t) => !clicked.has(t.signature));
    if (open.length === 0) break;
    const revealed = open.filter((t) => !previous.has(t.signature));
    const pool = revealed.length > 0 && previous.size > 0 ? revealed : open;
    const least = Math.min(...pool.map((t) => clicksPerKind.get(t.kind) ?? 0));
    const next = pool.find((t) => (clicksPerKind.get(t.kind) ?? 0) === least)!;
    previous = new Set(targets.map((t) => t.signature));
    clicked.add(next.signature);
    clicksPerKind.set(next.kind, least + 1);
    const element = page.locator(`[data-probe="${next.index}"]`).first();
    try {
      if (next.typeable) {
        await element.fill("hello", { timeout: 1500 });
        await element.press("Enter", { timeout: 1500 });
      } else {
        await element.click({ timeout: 1500, noWaitAfter: true });
      }
    } catch {
      // Covered by an overlay (an open dialog) or gone after a re-render: close what is open, and try
      // it once more later.
      await page.keyboard.press("Escape").catch(() => undefined);
      const failed = (failures.get(next.signature) ?? 0) + 1;
      failures.set(next.signature, failed);
      if (failed < 2) clicked.delete(next.signature);
    }
    // Lazily loaded panels (the AI agent) call out a moment after they open.
    await page.waitForTimeout(250);
  }
  return [...clicked];
}

test("no click anywhere on /docs makes a request that leaves the gateway", async () => {
  const host = new URL(docs.gateway.baseUrl).host;
  const recorder = new OffHostRecorder(host);
  const context = await docs.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  context.on("request", (request) => recorder.record(request.url(), "request"));
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    return url.host === host || LOCAL_PROTOCOLS.has(url.protocol) ? route.continue() : route.abort();
  });
  // The page's CSP blocks off-host connections before they reach the network; a feature that tries one
  // anyway is reported by the browser as a violation, which fails the test too (as any other violation:
  // something on the page does not work under the policy).
  // Zod (inside Scalar) probes once whether Function() may run and, refused, validates without it: that
  // report ("eval") is expected under a policy without 'unsafe-eval'.
  const violations: string[] = [];
  await context.exposeBinding("reportCspViolation", (_source, directive: string, blocked: string) => {
    if (blocked !== "eval") violations.push(`${directive} ${blocked}`);
  });
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(e.violatedDirective, e.blockedURI));`);
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.dismiss());
  await recorder.watch(context, page);
  // Links that open a tab: the new page's first request is recorded by the context; then it is closed.
  context.on("page", (popup) => {
    if (popup === page) return;
    recorder.record(popup.url(), "popup");
    void popup.close().catch(() => undefined);
  });

  await openDocs(page, docs.gateway.baseUrl);
  const clicked = await clickEverything(page, docs.gateway.baseUrl, 400, Date.now() + 100_000);
  await page.waitForTimeout(1000);
  await context.close();

  // The walk really went through the page, dialogs and menus included.
  expect(clicked.length).toBeGreaterThan(40);
  expect([...recorder.seen].some((u) => u.startsWith(`${docs.gateway.baseUrl}/openapi.json`) || u.startsWith(`${docs.gateway.baseUrl}/docs`))).toBe(true);
  expect([...recorder.offHost]).toEqual([]);
  expect(violations).toEqual([]);
}, 180_000);

test("/docs is served with a policy that allows no other host, and everything it loads is the gateway's", async () => {
  const res = await fetch(`${docs.gateway.baseUrl}/docs`);
  expect(res.status).toBe(200);
  const policy = res.headers.get("content-security-policy") ?? "";
  for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "font-src 'self' data:", "img-src 'self' data: blob:"]) expect(policy).toContain(directive);
  const html = await res.text();
  const loaded = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? "");
  expect(loaded).toEqual(["/docs/offline-links.js", "/docs/scalar.js"]);
  for (const path of loaded) {
    const asset = await fetch(`${docs.gateway.baseUrl}${path}`);
    expect([path, asset.status, asset.headers.get("content-type")]).toEqual([path, 200, "text/javascript; charset=utf-8"]);
  }
  // The configuration switches off every Scalar feature that calls Scalar's servers.
  const configuration = JSON.parse(/data-configuration='([^']*)'/.exec(html)?.[1]?.replaceAll("&quot;", '"').replaceAll("&amp;", "&") ?? "{}") as Record<string, unknown>;
  expect(configuration).toMatchObject({ withDefaultFonts: false, hideClientButton: true, showDeveloperTools: "never", telemetry: false, agent: { disabled: true }, mcp: { disabled: true } });
  expect(configuration).not.toHaveProperty("proxyUrl");
});
