import { Elysia, t } from "elysia";
import { requires } from "../http/auth.ts";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { AppError } from "../http/errors.ts";
import { ASSETS, INDEX_HTML } from "./assets.ts";

// Only the gateway itself: the page must work offline, and a strict policy keeps an injected script from leaking the key.
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

interface DashboardInfo {
  version: string;
  role: string;
  sandbox: boolean;
}

/**
 * The built-in dashboard: a static page at / and its modules under
 * /dashboard/, public (the page holds no data; it asks for the API key and
 * sends it as a header on every call), plus the one authenticated call the
 * page needs beyond the public API: whether this gateway runs in sandbox mode.
 */
export function dashboardRoutes(opts: { info: DashboardInfo }) {
  const page = new Elysia({ detail: { hide: true, ...requires("public") } })
    .get("/", () => new Response(INDEX_HTML, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...SECURITY_HEADERS } }))
    .get(
      "/dashboard/:file",
      ({ params }) => {
        const asset = ASSETS.get(params.file);
        if (!asset) throw new AppError(404, "NOT_FOUND", `No dashboard file "${params.file}"`);
        return new Response(asset.body, { headers: { "content-type": asset.type, "cache-control": "no-cache", ...SECURITY_HEADERS } });
      },
      { params: t.Object({ file: t.String({ maxLength: 64 }) }) },
    );
  const info = new Elysia({ prefix: "/api/v1/dashboard", detail: { tags: ["Dashboard"], ...requires("integrator", "sessions:read", { filtersSessions: true }) } })
    .get("/info", () => ({ success: true as const, data: opts.info }), {
      response: {
        200: t.Object({
          success: t.Literal(true),
          data: t.Object({
            version: t.String({ examples: ["0.1.0"] }),
            role: t.String({ examples: ["all"] }),
            sandbox: t.Boolean({ description: "Sessions connect to the built-in simulator (--sandbox); /sim is available" }),
          }),
        }),
        401: ErrorResponse,
      },
      detail: { summary: "What the dashboard needs to know about this gateway", description: "Requires the integrator API key. Version, role, and whether it runs in sandbox mode." },
    });
  return [page, info];
}
