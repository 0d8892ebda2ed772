import { t } from "elysia";

/** Contract A's error body, for the OpenAPI document of routes that can fail. */
export const ErrorResponse = t.Object(
  {
    success: t.Literal(false),
    error: t.String({ examples: ['Session "user-123" does not exist'] }),
    code: t.String({ examples: ["SESSION_NOT_FOUND"] }),
  },
  { description: "The error format of every failure" },
);
