import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { accepted } from "./accepted.ts";
import type { JobName } from "../contracts/jobs/index.ts";
import { AcceptedResponse } from "./model.ts";
import type { JobSubmitter } from "./submitter.ts";

interface EnqueueContext {
  params: { sessionId: string } & Record<string, string>;
  body: object;
  headers: { "idempotency-key"?: string };
  set: { status?: number | string; headers: Record<string, unknown> };
}

/** The responses of a route that enqueues for an existing session, for the OpenAPI document. */
export const ENQUEUE_RESPONSES = { 202: AcceptedResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse };

/**
 * A route handler that enqueues `name` for the session in the path: the job's
 * data is the path's sessionId, any path fields named in `fromPath`, then the
 * body. `requireSession` answers 404 for an unknown or deleted session; a
 * session that exists but is not connected still enqueues (the job waits and
 * retries).
 */
export function enqueueHandler(submitter: JobSubmitter, name: JobName, requireSession: (sessionId: string) => unknown, fromPath: Record<string, string> = {}) {
  return async ({ params, body, headers, set }: EnqueueContext) => {
    const pathFields = Object.fromEntries(Object.entries(fromPath).map(([field, param]) => [field, params[param]]));
    const s = await submitter.submit({
      name,
      data: { sessionId: params.sessionId, ...pathFields, ...body },
      idempotencyKey: headers["idempotency-key"],
      onAccept: () => void requireSession(params.sessionId),
    });
    set.status = 202;
    return accepted(set, s);
  };
}
