/**
 * The Redis names the coordinator and its workers share for placement. The
 * coordinator is their only writer, except the liveness key, which each
 * worker keeps alive for itself.
 */

/** The BullMQ queue the router feeds one worker through (BullMQ forbids ':' in queue names). */
export const workerQueueName = (workerId: string): string => `wag-jobs-${workerId}`;

/** The sessions placed on a worker that should run there: the worker follows this set. */
export const placedKey = (workerId: string): string => `wag:placed:{${workerId}}`;

/** Pub/sub channel that tells a worker its placed set changed (it also re-reads the set on a timer). */
export const placementChannel = (workerId: string): string => `wag:placement-changed:${workerId}`;

/**
 * Exists while the worker process renews its session leases. It lapses with
 * them, so the coordinator learns that a worker died from the same clock
 * that fences the sessions, not from the slower, HTTP-borne heartbeat.
 */
export const aliveKey = (workerId: string): string => `wag:alive:{${workerId}}`;

/**
 * The name a worker gives its Redis connection (the one its leases are renewed
 * on). Redis drops it the moment the process dies, seconds before the leases
 * lapse, so the coordinator can tell at once that nothing serves its sessions.
 */
export const workerConnectionName = (workerId: string): string => `wa-gateway:worker:${workerId}`;
