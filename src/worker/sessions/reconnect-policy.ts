import type { CloseReason } from "../../whatsapp/driver.ts";

export interface ReconnectPolicy {
  /** Consecutive failed attempts after which the session goes to `error` and waits for START_SESSION. */
  maxFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Another connection took the device (440): fighting back at once only feeds the loop. */
const REPLACED_FACTOR = 5;

/**
 * The wait before reconnect attempt `failures` (1 = the first retry):
 * exponential, capped, and jittered by ±50% so sessions that dropped together
 * (a network blip, a server restart) do not all come back in the same instant.
 */
export function reconnectDelay(policy: ReconnectPolicy, failures: number, reason: CloseReason, random: () => number = Math.random): number {
  const base = policy.baseDelayMs * (reason === "replaced" ? REPLACED_FACTOR : 1);
  const exp = Math.min(policy.maxDelayMs, base * 2 ** Math.max(0, failures - 1));
  return Math.round(exp * (0.5 + random()));
}
