import { DisconnectReason } from "@whiskeysockets/baileys";
import type { CloseReason } from "../driver.ts";
import { formatWaVersion, type WaVersion } from "../../config/wa-version.ts";

/**
 * `<failure reason="405">` right after the handshake, which Baileys ends as Boom 405 "Connection Failure"
 * (no DisconnectReason of its own): what WhatsApp answers a WA Web version it has retired, before any QR
 * (Baileys #1634, #1937, #2370; WAHA #2191, 2026-07-28). Every report was fixed by announcing a newer version.
 */
const VERSION_REFUSED = 405;

/** What we know about a socket when it closes, beyond WhatsApp's status code. */
interface CloseContext {
  /** close() or logout() asked for it: whatever the socket says on the way out, we closed it. */
  closedByUs: boolean;
  /** The socket was showing QR codes (or waiting for a pairing code) and never opened. */
  pairing: boolean;
  /** The server answered our pairing-code request with an error. */
  pairingCodeRefused?: boolean;
  /** Baileys' error message, which alone tells a refused certificate from another 400. */
  message?: string;
}

/**
 * The Noise handshake's certificate refusals (Utils/noise-handler.js, and the leaf-binds-static hunk of
 * patches/): all are Boom 400s, told apart from other 400s by their text.
 */
const UNTRUSTED_SERVER = /noise (intermediate )?certificate|certification match failed/i;

/**
 * Baileys' disconnect status codes as the worker's few decisions. 408 means "QR refs ran out" only while
 * pairing; after that it is an ordinary timeout. Anything unknown is a lost connection, which the worker
 * retries with backoff: a wrong guess there costs a reconnect, not a session.
 */
export function closeReason(statusCode: number | undefined, context: CloseContext): CloseReason {
  if (context.closedByUs) return "closed";
  if (context.pairingCodeRefused) return "pairing_code_refused";
  if (statusCode === 400 && context.message && UNTRUSTED_SERVER.test(context.message)) return "untrusted_server";
  switch (statusCode) {
    case DisconnectReason.loggedOut:
      return "logged_out";
    case DisconnectReason.connectionReplaced:
      return "replaced";
    case DisconnectReason.restartRequired:
      return "restart_required";
    case VERSION_REFUSED:
      return "version_refused";
    case DisconnectReason.forbidden:
      return "forbidden";
    case DisconnectReason.timedOut:
      return context.pairing ? "qr_timeout" : "connection_lost";
    default:
      return "connection_lost";
  }
}

/** What a close says; a refused version also names the version, the one thing the operator must change. */
export function closeMessage(statusCode: number | undefined, message: string, version: WaVersion): string {
  return statusCode === VERSION_REFUSED ? `${message}: WhatsApp refused WA Web version ${formatWaVersion(version)}` : message;
}

/** The HTTP-like status Baileys attaches to its errors (a Boom), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("output" in error)) return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === "number" ? output.statusCode : undefined;
}
