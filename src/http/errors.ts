/** Contract A's error shape, used by every error response the gateway sends. */
export interface ErrorBody {
  success: false;
  error: string;
  code: string;
}

export const errorBody = (code: string, error: string): ErrorBody => ({ success: false, error, code });

/**
 * A domain error that maps to an HTTP status. Services throw these (they know
 * nothing of Elysia); the one error handler turns them into responses.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable UPPER_SNAKE code that clients can switch on. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
