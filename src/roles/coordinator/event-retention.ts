import type { EventLedgerStore } from "../../registry/events/event-ledger-store.ts";
import { uuidV7Floor } from "../../registry/metrics/time-ids.ts";
import type { DeliveryStore } from "../../webhooks/delivery-store.ts";

/** Rows deleted per statement, so retention never holds the write lock for long. */
const CHUNK = 5000;

/**
 * How long an event keeps its QR code. A code is good for 60 s at most; this leaves webhook retries of
 * a fresh one time to deliver it, and then the ledger (and its backups) stop holding the ADV secret.
 */
export const QR_KEPT_MS = 5 * 60_000;

/**
 * Deletes events older than the retention period, with their webhook
 * deliveries and attempts. It runs in short chunks, so a first run over a
 * large backlog does not stall event intake.
 */
export class EventRetention {
  constructor(
    private readonly stores: { ledger: Pick<EventLedgerStore, "deleteReceivedBefore" | "forgetQrCodes">; deliveries: Pick<DeliveryStore, "deleteAttemptsBefore" | "deleteCreatedBefore"> },
    private readonly keepMs: number,
  ) {}

  /** Where the last pass of `forgetQrCodes` stopped: each pass reads only what came in since. */
  private qrScannedTo = 0;

  /** Takes the QR codes out of events older than QR_KEPT_MS; returns how many lost one. */
  forgetQrCodes(now: number): number {
    let total = 0;
    for (;;) {
      const { lastPosition, forgotten } = this.stores.ledger.forgetQrCodes(this.qrScannedTo, now - QR_KEPT_MS, CHUNK);
      total += forgotten;
      if (lastPosition === this.qrScannedTo) return total;
      this.qrScannedTo = lastPosition;
    }
  }

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
