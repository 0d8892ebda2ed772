import type { ErrorCode } from "../contracts/worker-api/error-codes.ts";

/** Contract A's error shape, used by every error response the gateway sends. */
export interface ErrorBody {
  success: false;
  error: string;
  code: ErrorCode;
}

export const errorBody = (code: ErrorCode, error: string): ErrorBody => ({ success: false, error, code });

/**
 * A domain error that maps to an HTTP status. Services throw these (they know
 * nothing of Elysia); the one error handler turns them into responses.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable code that clients can switch on; ERROR_CODES lists them. */
    readonly code: ErrorCode,
    message: string,
    /** Headers the answer needs besides the body: Retry-After on a 429, `connection: close` when the body is left unread. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
