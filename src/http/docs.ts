import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
// Embedded in the binary, so the docs render with no network: Scalar would otherwise load from a CDN.
// The package does not export this file, so tsconfig "paths" names it.
import scalarScript from "scalar-standalone.js" with { type: "file" };

const SCALAR_ROUTE = "/docs/scalar.js";
const LINK_GUARD_ROUTE = "/docs/offline-links.js";
const SPEC_PATH = "/openapi.json";
/** The docs' own routes, mounted by the plugin or here without declared security: public. */
export const DOCS_PATHS = ["/docs", SPEC_PATH, SCALAR_ROUTE, LINK_GUARD_ROUTE, "/swagger"] as const;

/**
 * Scalar 1.72.1's options for every feature that talks to a server other than the gateway, all off.
 * Scalar turns several of them on by itself when the page is on localhost, which is where an operator
 * opens it first:
 * - `agent` "Ask AI" sends the document to api.scalar.com and loads its API registry;
 * - `mcp` "Generate MCP" POSTs the whole document to proxy.scalar.com (for api.scalar.com);
 * - `showDeveloperTools` "Share"/"Deploy" upload it to Scalar's registry and dashboard;
 * - `hideClientButton` hides "Open API Client", a link to client.scalar.com carrying the document's URL;
 * - `withDefaultFonts` would load Inter and JetBrains Mono from fonts.scalar.com;
 * - `telemetry`, in case a build reports anything.
 * No `proxyUrl`: "Test Request" calls the gateway directly. The page's Content-Security-Policy below
 * refuses any other connection a later Scalar version might add.
 */
const SCALAR_CONFIGURATION = {
  url: SPEC_PATH,
  theme: "elysiajs",
  _integration: "elysiajs",
  withDefaultFonts: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
} as const;

/**
 * Scalar itself only ever fetches from the gateway; the browser is told the same, so no feature, font
 * or image can reach another host even if an option above stops working. Scalar styles its elements
 * inline, hence 'unsafe-inline' for styles only.
 */
const DOCS_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/**
 * A CSP cannot stop navigation, and Scalar's page links elsewhere ("Powered by Scalar", MDN pages
 * for status codes and headers in the API client). Clicking such a link would be a request to another
 * host, so the docs leave off-host links inert (their address shows as a tooltip to copy) and refuse
 * window.open to another origin. Plain JavaScript, served as a file, because the CSP allows no
 * inline script.
 */
const LINK_GUARD = `"use strict";
(() => {
  const offHost = (href) => {
    let url;
    try { url = new URL(href, location.href); } catch { return true; }
    if (url.protocol === "blob:" || url.protocol === "data:" || url.protocol === "about:") return false;
    return url.origin !== location.origin;
  };
  const linkOf = (event) => (event.target instanceof Element ? event.target.closest("a[href]") : null);
  const refuse = (event) => {
    const link = linkOf(event);
    if (link && offHost(link.href)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  };
  document.addEventListener("click", refuse, true);
  document.addEventListener("auxclick", refuse, true);
  document.addEventListener("mouseover", (event) => {
    const link = linkOf(event);
    if (link && !link.title && offHost(link.href)) link.title = "Not opened from the offline docs: " + link.href;
  }, true);
  const open = window.open.bind(window);
  window.open = (url, ...rest) => (url !== undefined && url !== "" && offHost(String(url)) ? null : open(url, ...rest));
})();
`;

const escapeAttribute = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * The page: Scalar's HTML API (an empty #api-reference element carrying the configuration; a JSON
 * type so the browser does not try to run it as an inline script), the embedded bundle, and the link
 * guard. Rendered here instead of by @elysiajs/openapi so that it carries the headers above and its
 * configuration is escaped as an attribute.
 */
function docsPage(title: string): string {
  return `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${escapeAttribute(title)}</title>
  </head>
  <body>
    <script id="api-reference" type="application/json" data-configuration='${escapeAttribute(JSON.stringify(SCALAR_CONFIGURATION))}'></script>
    <script src="${LINK_GUARD_ROUTE}"></script>
    <script src="${SCALAR_ROUTE}"></script>
  </body>
</html>
`;
}

/**
 * OpenAPI 3.1 at /openapi.json and the Scalar UI at /docs (with /swagger kept
 * as an alias for integrators used to it). Every route's TypeBox schemas feed
 * the document, so it cannot drift from what is validated.
 */
export function apiDocs(version: string) {
  const title = "wa-gateway API";
  const page = docsPage(title);
  return new Elysia({ name: "api-docs" })
    .use(
      openapi({
        // The page is served below; the plugin serves only the document.
        provider: null,
        specPath: SPEC_PATH,
        // staticFile: false keeps routes with a dot in them (the QR's .png/.svg) in the document.
        exclude: { staticFile: false, paths: ["/docs", SCALAR_ROUTE, LINK_GUARD_ROUTE, "/swagger"] },
        documentation: {
          info: {
            title,
            version,
            description: "A WhatsApp gateway: sessions, messages, groups, webhooks, and the worker↔coordinator API (contract A).",
          },
          components: {
            securitySchemes: {
              bearerAuth: { type: "http", scheme: "bearer", description: "Authorization: Bearer <API_KEY>" },
              apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key", description: "X-API-Key: <API_KEY>" },
              workerToken: { type: "http", scheme: "bearer", description: "Contract A: Authorization: Bearer <BACKEND_AUTH_TOKEN>" },
            },
          },
        },
      }),
    )
    .get("/docs", () => new Response(page, { headers: DOCS_HEADERS }))
    .get(SCALAR_ROUTE, () => new Response(Bun.file(scalarScript), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" } }))
    .get(LINK_GUARD_ROUTE, () => new Response(LINK_GUARD, { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" } }))
    .get("/swagger", ({ redirect }) => redirect("/docs", 302));
}
