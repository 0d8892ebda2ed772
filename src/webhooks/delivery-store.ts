import type { LedgerRow } from "../registry/events/schema.ts";
import type { AttemptRow, DeliveryRow, DeliveryStatus } from "./schema.ts";

/** What the queue carries for one delivery; everything else is read from the store when it runs. */
export interface QueuedDelivery {
  id: string;
  generation: number;
  horizonAt: number;
}

export type LoadedDelivery = Pick<DeliveryRow, "id" | "eventPosition" | "target" | "status" | "attempts" | "horizonAt">;

export interface NewDelivery {
  event: LedgerRow;
  target: string;
}

export interface AttemptRecord {
  at: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  target?: string;
  sessionId?: string;
  type?: string;
  eventId?: string;
  /** Created at or after / before, unix ms. */
  since?: number;
  until?: number;
}

/**
 * All storage of the `webhook_deliveries` table and of each delivery's
 * `webhook_attempts`, the record of truth: the queue only says what to try
 * next. Its rules: an event is delivered to a target once (a second fan-out
 * after a crash makes nothing), only a pending delivery is settled or
 * parked, and every requeue bumps the generation. The tables' only writer
 * (tests/platform/single-writer checks), and the seam for a PostgreSQL
 * backend (issue 21).
 */
export interface DeliveryStore {
  /** Events not yet fanned out to deliveries, oldest first. */
  undispatched(limit: number): LedgerRow[];
  /**
   * Records the deliveries for a batch of events and marks the events
   * dispatched, in one transaction; returns the new deliveries, to queue.
   */
  fanOut(events: LedgerRow[], deliveries: NewDelivery[], now: number, horizonMs: number): QueuedDelivery[];
  /** After a restart: every pending delivery, to queue again (the queue drops the ones it still holds). Parked ones get a new generation. */
  pending(pageSize?: number): Generator<QueuedDelivery[]>;
  /**
   * Pending deliveries that should have a queue job (not parked) and have not
   * changed since `before`, after the id `after`, in id order: the ones to
   * check against the queue in case Redis lost their jobs.
   */
  idleQueued(before: number, after: string, limit: number): (QueuedDelivery & { target: string })[];
  /** The delivery and its event, if both still exist. */
  load(id: string): { delivery: LoadedDelivery; event: LedgerRow } | undefined;
  /** Records one attempt and where it leaves the delivery; resolves once committed. */
  recordAttempt(id: string, attempt: AttemptRecord, status: DeliveryStatus): Promise<void>;
  /** Ends a pending delivery without an attempt: dead at the horizon, or cancelled because its target went away. */
  settle(id: string, status: "dead" | "cancelled", reason: string, now: number): Promise<void>;
  /** Holds a delivery back in the store while its receiver fails or is saturated. */
  park(id: string, now: number): Promise<void>;
  /** Takes up to `limit` parked deliveries of `target` back out, each with a new generation, to queue. */
  unpark(target: string, limit: number, now: number): QueuedDelivery[];
  /** Ends every pending delivery to `target` (disabled, deleted, or gone); returns how many. */
  cancelPending(target: string, reason: string, now: number): number;
  /** Dead-letters the parked deliveries of `target` that are past their horizon; returns how many. */
  expireParked(target: string, now: number): number;
  list(filter: DeliveryFilter, limit: number, before?: string): DeliveryRow[];
  get(id: string): DeliveryRow | undefined;
  attempts(id: string): AttemptRow[];
  /** Makes finished deliveries pending again with a fresh horizon and a new generation, and returns them to queue. */
  redeliver(filter: DeliveryFilter & { ids?: string[] }, now: number, horizonMs: number, limit: number): QueuedDelivery[];
  /** Deletes up to `limit` of the oldest attempts made before `cutoff`; returns how many went. */
  deleteAttemptsBefore(cutoff: number, limit: number): number;
  /** Deletes up to `limit` of the oldest deliveries with an id below `floor` (UUIDv7 ids sort by creation time); returns how many went. */
  deleteCreatedBefore(floor: string, limit: number): number;
  /** Commits buffered outcomes now (on stop). */
  flush(): void;
}
