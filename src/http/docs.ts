import { openapi, type ElysiaOpenAPIConfig } from "@elysiajs/openapi";
import { Elysia } from "elysia";
// Embedded in the binary, so the docs render with no network: Scalar would otherwise load from a CDN.
// The package does not export this file, so tsconfig "paths" names it.
import scalarScript from "scalar-standalone.js" with { type: "file" };

const SCALAR_ROUTE = "/docs/scalar.js";
/** The docs' own routes, mounted by the plugin, which cannot declare their security: public. */
export const DOCS_PATHS = ["/docs", "/openapi.json", SCALAR_ROUTE, "/swagger"] as const;

/**
 * OpenAPI 3.1 at /openapi.json and the Scalar UI at /docs (with /swagger kept
 * as an alias for integrators used to it). Every route's TypeBox schemas feed
 * the document, so it cannot drift from what is validated.
 */
export function apiDocs(version: string) {
  return new Elysia({ name: "api-docs" })
    .use(
      openapi({
        path: "/docs",
        specPath: "/openapi.json",
        // staticFile: false keeps routes with a dot in them (the QR's .png/.svg) in the document.
        exclude: { staticFile: false, paths: [SCALAR_ROUTE, "/swagger"] },
        documentation: {
          info: {
            title: "wa-gateway API",
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
        // Scalar's type lists every option as required; these are the only ones we change.
        scalar: { cdn: SCALAR_ROUTE, withDefaultFonts: false, hideClientButton: true, showDeveloperTools: "never" } as ElysiaOpenAPIConfig["scalar"],
      }),
    )
    .get(SCALAR_ROUTE, () => new Response(Bun.file(scalarScript), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" } }))
    .get("/swagger", ({ redirect }) => redirect("/docs", 302));
}
