import { t } from "elysia";
import { literalUnion } from "../contracts/jobs/index.ts";
import { SessionId } from "../contracts/worker-api/common.ts";
import { SCOPES } from "../http/scopes.ts";

const Scope = literalUnion(SCOPES, {
  error: `must be one of ${SCOPES.join(", ")}`,
  description:
    "sessions:read (list and inspect sessions, QR codes, jobs, events), sessions:manage (start, stop, delete, pair; implies sessions:read), " +
    "messages:send (messages and groups), webhooks:manage (subscriptions, deliveries, a session's webhook, the signing secret), admin (everything, API keys included)",
});
const Iso = t.String({ format: "date-time" });

export const ApiKeyParams = t.Object({ keyId: t.String({ maxLength: 64, examples: ["key_5f0c3a9e2b7d4c1a"] }) });

export const CreateApiKeyBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 100, description: "Who or what uses the key; shown in lists and logs" }),
    scopes: t.Array(Scope, { minItems: 1, maxItems: SCOPES.length * 2 }),
    sessions: t.Optional(t.Array(SessionId, { minItems: 1, maxItems: 1000, description: "The only sessions the key may touch; leave out for every session" })),
  },
  { examples: [{ name: "shop-frontend", scopes: ["messages:send", "sessions:read"], sessions: ["shop-main"] }] },
);

export const ApiKeyView = t.Object({
  id: t.String({ examples: ["key_5f0c3a9e2b7d4c1a"] }),
  name: t.String(),
  prefix: t.String({ description: "The key's first characters, to tell keys apart", examples: ["wag_Xy3k9Q"] }),
  scopes: t.Array(t.String()),
  sessions: t.Nullable(t.Array(t.String(), { description: "The only sessions the key may touch; null: every session" })),
  createdAt: Iso,
  revokedAt: t.Nullable(Iso),
});

export const CreatedApiKey = t.Composite([ApiKeyView, t.Object({ key: t.String({ description: "The key itself, shown only in this answer: only its hash is kept" }) })]);

export const ApiKeyResponse = t.Object({ success: t.Literal(true), data: ApiKeyView });
export const CreatedApiKeyResponse = t.Object({ success: t.Literal(true), data: CreatedApiKey });
export const ApiKeyListResponse = t.Object({ success: t.Literal(true), data: t.Array(ApiKeyView) });
