import { t, type TSchema } from "elysia";
import { ErrorResponse } from "./error.ts";
import { SESSION_STATUSES } from "./vocabulary.ts";
import { ENVIRONMENTS, WORKER_STATUSES } from "./vocabulary.ts";

/**
 * Building blocks shared by the registry's schemas. Ids travel in URL paths,
 * logs and SQL, so they are bounded in length and charset.
 */
export const WorkerId = t.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
  description: "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  examples: ["worker-001"],
});

export const SessionId = t.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$",
  description: "1-128 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit",
  examples: ["user123-session1"],
});

/**
 * One of `values`, with no default. Elysia's UnionEnum defaults to its first
 * value, which the docs would then show, and Elysia fills top-level defaults
 * into bodies: a status left out must stay left out (a session's status would
 * otherwise read "connected").
 */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, opts: { description?: string } = {}) => t.UnionEnum(values, { default: undefined, ...opts });

export const WorkerStatus = oneOf(WORKER_STATUSES, { description: "ONLINE: accepting sessions; OFFLINE: not available; MAINTENANCE: in maintenance mode" });
export const Environment = oneOf(ENVIRONMENTS);
export const SessionStatus = oneOf(SESSION_STATUSES);

/** An ISO-8601 date-time, e.g. "2024-01-15T10:30:00.000Z". */
export const Timestamp = t.String({ format: "date-time", examples: ["2024-01-15T10:30:00.000Z"] });

/** A whole number. (Elysia's `t.Integer` also accepts numeric strings; contract A sends JSON numbers.) */
export const integer = (opts: { minimum?: number; maximum?: number; description?: string; examples?: number[] } = {}) =>
  t.Number({ multipleOf: 1, ...opts });

export const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(schema: T) => t.Union([schema, t.Null()]);

export const Counter = integer({ minimum: 0 });
export const percent = (examples: number[]) => t.Number({ minimum: 0, maximum: 100, description: "Percent, 0-100", examples });

/** Contract A's success reply for the endpoints that answer with a message. */
export const MessageResponse = <M extends string>(message: M) => t.Object({ success: t.Literal(true), message: t.Literal(message) });

/** The error statuses every authenticated, validated route can answer with. */
export const errorResponses = { 400: ErrorResponse, 401: ErrorResponse, 500: ErrorResponse } satisfies Record<number, TSchema>;

export const WorkerParams = t.Object({ workerId: WorkerId });
