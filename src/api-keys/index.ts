import { Elysia } from "elysia";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { requestPrincipalLabel, requires } from "../http/auth.ts";
import type { Logger } from "../platform/logger.ts";
import { ApiKeyListResponse, ApiKeyParams, ApiKeyResponse, CreateApiKeyBody, CreatedApiKeyResponse } from "./model.ts";
import type { ApiKeyService } from "./service.ts";
import { apiKeyView } from "./view.ts";

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Scoped API keys, made and revoked by whoever holds the admin scope (API_KEY, or a key with `admin`). */
export function apiKeyRoutes(opts: { keys: ApiKeyService; log: Logger }) {
  const { keys, log } = opts;
  return new Elysia({ prefix: "/api/v1/api-keys", detail: { tags: ["API keys"], ...requires("integrator", "admin") } })
    .post(
      "",
      ({ body, request, status }) => {
        const { key, stored } = keys.create(body);
        log.info({ keyId: stored.id, name: stored.name, scopes: stored.scopes, sessions: stored.sessions ?? "all", by: requestPrincipalLabel(request) }, "api key created");
        return status(201, { success: true as const, data: { ...apiKeyView(stored), key } });
      },
      {
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeyResponse, ...errors },
        detail: {
          summary: "Create a scoped API key",
          description:
            "Returns the key once, in `data.key`; only a hash of it is kept, so it cannot be shown again. Present it like the admin key " +
            "(`Authorization: Bearer <key>` or `X-API-Key`). A key with `sessions` may touch only those sessions; routes that span every " +
            "session answer it 403 unless they filter (GET /api/v1/sessions lists only its sessions; /api/v1/events needs `sessionId`).",
        },
      },
    )
    .get("", () => ({ success: true as const, data: keys.list().map(apiKeyView) }), {
      response: { 200: ApiKeyListResponse, ...errors },
      detail: { summary: "List API keys (revoked ones too, with when)" },
    })
    .get("/:keyId", ({ params }) => ({ success: true as const, data: apiKeyView(keys.get(params.keyId)) }), {
      params: ApiKeyParams,
      response: { 200: ApiKeyResponse, ...errors },
      detail: { summary: "Get an API key" },
    })
    .delete(
      "/:keyId",
      ({ params, request }) => {
        const revoked = keys.revoke(params.keyId);
        log.info({ keyId: revoked.id, name: revoked.name, by: requestPrincipalLabel(request) }, "api key revoked");
        return { success: true as const, data: apiKeyView(revoked) };
      },
      {
        params: ApiKeyParams,
        response: { 200: ApiKeyResponse, ...errors },
        detail: { summary: "Revoke an API key", description: "Takes effect at once: the next request with the key gets 401." },
      },
    );
}
