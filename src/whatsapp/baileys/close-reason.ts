import { DisconnectReason } from "@whiskeysockets/baileys";
import type { CloseReason } from "../driver.ts";

/** What we know about a socket when it closes, beyond WhatsApp's status code. */
export interface CloseContext {
  /** close() or logout() asked for it: whatever the socket says on the way out, we closed it. */
  closedByUs: boolean;
  /** The socket was showing QR codes (or waiting for a pairing code) and never opened. */
  pairing: boolean;
}

/**
 * Baileys' disconnect status codes as the worker's few decisions. 408 means "QR refs ran out" only while
 * pairing; after that it is an ordinary timeout. Anything unknown is a lost connection, which the worker
 * retries with backoff: a wrong guess there costs a reconnect, not a session.
 */
export function closeReason(statusCode: number | undefined, context: CloseContext): CloseReason {
  if (context.closedByUs) return "closed";
  switch (statusCode) {
    case DisconnectReason.loggedOut:
      return "logged_out";
    case DisconnectReason.connectionReplaced:
      return "replaced";
    case DisconnectReason.restartRequired:
      return "restart_required";
    case DisconnectReason.forbidden:
      return "forbidden";
    case DisconnectReason.timedOut:
      return context.pairing ? "qr_timeout" : "connection_lost";
    default:
      return "connection_lost";
  }
}

/** The HTTP-like status Baileys attaches to its errors (a Boom), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("output" in error)) return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === "number" ? output.statusCode : undefined;
}
