/**
 * Every `code` an error body (`{success:false, error, code}`) of this gateway can carry, contract A's
 * endpoints and the integrator API alike. Listed once so that a misspelt code, thrown or compared, is a
 * compile error, and so that a worker and the coordinator read the same words.
 */
const ERROR_CODES = {
  // Any route.
  VALIDATION_ERROR: "The body, query or path does not match the route's schema; the message names the field",
  INVALID_JSON: "The body is not valid JSON",
  BAD_REQUEST: "The request is malformed in a way no schema describes",
  PAYLOAD_TOO_LARGE: "The body exceeds its route's limit: MAX_BODY_SIZE on routes that take media, MAX_NON_MEDIA_BODY_SIZE elsewhere",
  BODY_BUDGET_EXHAUSTED: "Request bodies in flight hold all of MAX_INFLIGHT_BODY_SIZE; retry after Retry-After",
  URI_TOO_LONG: "The request target (path and query) is longer than the gateway reads",
  HEADERS_TOO_LARGE: "The request's headers are larger than the gateway reads",
  UNAUTHORIZED: "No token, or not the one this route takes",
  FORBIDDEN: "The API key is valid but lacks the scope this route needs, or may not touch this session",
  TOO_MANY_AUTH_FAILURES: "Too many failed authentications from this address; wait for Retry-After",
  NOT_FOUND: "No such route",
  CONFLICT: "The sandbox's simulator (under /sim) refused the request in its current state",
  STARTING: "The gateway is still starting; retry shortly",
  NOT_READY: "GET /ready: a dependency is not ready",
  INTERNAL_ERROR: "An unexpected failure; the log has the details",
  // Workers (contract A) and placement.
  WORKER_NOT_FOUND: "No such worker, or it unregistered",
  WORKER_CONFLICT: "Another live worker holds this endpoint",
  WORKER_OFFLINE: "The worker is OFFLINE",
  STALE_EPOCH: "The session has moved on to a newer owner; the report comes from an old one",
  NO_CAPACITY: "No worker, or not the one asked for, takes the session",
  SESSION_NOT_PLACED: "The session runs on no worker",
  // Sessions, messages, jobs.
  SESSION_NOT_FOUND: "No such session",
  SESSION_ALREADY_CONNECTED: "The session is connected already",
  QR_NOT_AVAILABLE: "The session has no QR code to scan now",
  EVENT_NOT_FOUND: "No such event",
  JOB_NOT_FOUND: "No such job",
  JOB_NOT_FAILED: "Only a failed job can be retried",
  JOB_ACTIVE: "The job is running and cannot be removed",
  IDEMPOTENCY_KEY_REUSED: "The Idempotency-Key was used before with another body",
  MEDIA_INVALID: "media is neither an http(s) URL nor valid base64",
  MEDIA_TOO_LARGE: "The media exceeds MAX_MEDIA_SIZE",
  MEDIA_URL_FORBIDDEN: "The media URL points at a private, loopback or link-local address",
  MEDIA_URL_UNRESOLVABLE: "The media URL's host does not resolve",
  // Webhooks.
  WEBHOOK_URL_INVALID: "The webhook URL is not a usable http(s) URL",
  WEBHOOK_URL_FORBIDDEN: "The webhook URL points at a private, loopback or link-local address",
  WEBHOOK_URL_UNRESOLVABLE: "The webhook URL's host does not resolve",
  SUBSCRIPTION_NOT_FOUND: "No such webhook subscription",
  SUBSCRIPTION_FROM_CONFIG: "The global subscription is set by WEBHOOK_URL and WEBHOOK_SECRET, not by the API",
  DELIVERY_NOT_FOUND: "No such webhook delivery",
  DELIVERY_PENDING: "The delivery is still pending and retried on its own",
  // API keys.
  API_KEY_NOT_FOUND: "No such API key",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);
