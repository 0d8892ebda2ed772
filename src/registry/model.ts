import { t, type TSchema } from "elysia";
import { SESSION_STATUSES } from "../sessions/schema.ts";
import { ENVIRONMENTS, WORKER_STATUSES } from "./workers/schema.ts";

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

export const WorkerStatus = t.UnionEnum(WORKER_STATUSES, { description: "ONLINE: accepting sessions; OFFLINE: not available; MAINTENANCE: in maintenance mode" });
export const Environment = t.UnionEnum(ENVIRONMENTS);
export const SessionStatus = t.UnionEnum(SESSION_STATUSES);

/** An ISO-8601 date-time, e.g. "2024-01-15T10:30:00.000Z". */
export const Timestamp = t.String({ format: "date-time", examples: ["2024-01-15T10:30:00.000Z"] });

/** A whole number. (Elysia's `t.Integer` also accepts numeric strings; contract A sends JSON numbers.) */
export const integer = (opts: { minimum?: number; maximum?: number; description?: string; examples?: number[] } = {}) =>
  t.Number({ multipleOf: 1, ...opts });

export const Counter = integer({ minimum: 0 });
export const percent = (examples: number[]) => t.Number({ minimum: 0, maximum: 100, description: "Percent, 0-100", examples });

/** Contract A's success reply for the endpoints that answer with a message. */
export const MessageResponse = <M extends string>(message: M) => t.Object({ success: t.Literal(true), message: t.Literal(message) });

/** Contract A's error shape. */
export const ErrorResponse = t.Object({
  success: t.Literal(false),
  error: t.String({ examples: ["Worker worker-001 is not registered"] }),
  code: t.String({ examples: ["WORKER_NOT_FOUND"] }),
});

/** The error statuses every authenticated, validated route can answer with. */
export const errorResponses = { 400: ErrorResponse, 401: ErrorResponse, 500: ErrorResponse } satisfies Record<number, TSchema>;

export const WorkerParams = t.Object({ workerId: WorkerId });
