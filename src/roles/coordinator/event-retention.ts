import type { EventLedgerStore } from "../../registry/events/event-ledger-store.ts";
import { uuidV7Floor } from "../../registry/metrics/time-ids.ts";
import type { DeliveryStore } from "../../webhooks/delivery-store.ts";

/** Rows deleted per statement, so retention never holds the write lock for long. */
const CHUNK = 5000;

/**
 * Deletes events older than the retention period, with their webhook
 * deliveries and attempts. It runs in short chunks, so a first run over a
 * large backlog does not stall event intake.
 */
export class EventRetention {
  constructor(
    private readonly stores: { ledger: Pick<EventLedgerStore, "deleteReceivedBefore">; deliveries: Pick<DeliveryStore, "deleteAttemptsBefore" | "deleteCreatedBefore"> },
    private readonly keepMs: number,
  ) {}

  /** Deletes what is older than `keepMs` as of `now`; returns how many events went. */
  run(now: number): number {
    const cutoff = now - this.keepMs;
    const floor = uuidV7Floor(cutoff);
    const drain = (chunk: () => number) => {
      let total = 0;
      for (let n = CHUNK; n === CHUNK; total += n) n = chunk();
      return total;
    };
    const { ledger, deliveries } = this.stores;
    drain(() => deliveries.deleteAttemptsBefore(cutoff, CHUNK));
    drain(() => deliveries.deleteCreatedBefore(floor, CHUNK));
    return drain(() => ledger.deleteReceivedBefore(cutoff, CHUNK));
  }
}
