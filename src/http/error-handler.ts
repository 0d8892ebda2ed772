import { Elysia, type ValidationError } from "elysia";
import { isErrorCode, type ErrorCode } from "../contracts/worker-api/error-codes.ts";
import type { Logger } from "../platform/logger.ts";
import { AppError, errorBody, type ErrorBody } from "./errors.ts";

/**
 * The one place that turns failures into responses, all in contract A's shape.
 * Validation is 400 (not Elysia's 422) and names the field; anything unexpected
 * is a 500 that reveals nothing about the internals, while the log keeps the
 * stack for the operator.
 */
export function errorHandler(log: Logger) {
  return new Elysia({ name: "error-handler" }).onError({ as: "global" }, ({ code, error, request, set }) => {
    const reply = (status: number, body: ErrorBody) => {
      set.status = status;
      set.headers["content-type"] = "application/json";
      return body;
    };
    // A refusal from inside body parsing (body-limit.ts) reaches here wrapped in Elysia's ParseError.
    const refused = code === "PARSE" && error.cause instanceof AppError ? error.cause : error;
    if (refused instanceof AppError) {
      Object.assign(set.headers, refused.headers);
      return reply(refused.status, errorBody(refused.code, refused.message));
    }
    switch (code) {
      case "VALIDATION":
        return reply(400, errorBody("VALIDATION_ERROR", describeValidation(error)));
      case "PARSE":
        return reply(400, errorBody("INVALID_JSON", "Request body is not valid JSON"));
      case "NOT_FOUND":
        return reply(404, errorBody("NOT_FOUND", `No route for ${request.method} ${new URL(request.url).pathname}`));
      case "INVALID_COOKIE_SIGNATURE":
      case "INVALID_FILE_TYPE":
        return reply(400, errorBody("BAD_REQUEST", error.message));
      default:
        // The sandbox's simulator control API (mounted under /sim) throws its own errors, which carry
        // their status; this handler runs before the simulator's own and must not turn them into 500s.
        if (carriesStatus(error)) return reply(error.status, errorBody(error.code, error.message));
        log.error({ err: error, method: request.method, path: new URL(request.url).pathname }, "unhandled error");
        return reply(500, errorBody("INTERNAL_ERROR", "Internal server error"));
    }
  });
}

/** An error that says which HTTP status and code it is (the simulator's ControlError). */
function carriesStatus(error: unknown): error is Error & { status: number; code: ErrorCode } {
  if (!(error instanceof Error) || !("status" in error) || !("code" in error)) return false;
  return typeof error.status === "number" && error.status >= 400 && error.status < 500 && typeof error.code === "string" && isErrorCode(error.code);
}

/** "body.maxSessions: Expected number to be greater or equal to 1" from TypeBox's first error. */
function describeValidation(error: Readonly<ValidationError>): string {
  const first = error.all[0];
  const where = error.type === "body" ? "body" : error.type;
  if (!first || !("path" in first)) return `Invalid ${where}`;
  const field = first.path.split("/").filter(Boolean).join(".");
  const name = field ? `${where}.${field}` : where;
  // A schema may say what it accepts in words (`error`), clearer than "Expected string to match <regex>".
  const custom = "schema" in first && typeof first.schema.error === "string" ? first.schema.error : undefined;
  const message = custom ?? ("message" in first && typeof first.message === "string" ? first.message : "is invalid");
  return `Invalid ${name}: ${message}`;
}
