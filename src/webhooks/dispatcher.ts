import type { Fault } from "../config/settings.ts";
import type { Logger } from "../platform/logger.ts";
import type { LedgerRow } from "../registry/events/schema.ts";
import { SESSION_TARGET } from "./deliverer.ts";
import type { DeliveryStore, NewDelivery } from "./delivery-store.ts";
import type { DeliveryQueue } from "./queue.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { SubscriptionStore } from "./subscriptions.ts";

const BATCH = 1000;
const RETRY_MS = 1000;
const GATHER_MS = 10;

interface DispatcherDeps {
  store: DeliveryStore;
  subscriptions: SubscriptionStore;
  sessionUrls: Pick<SessionStore, "withWebhookUrl">;
  queue: DeliveryQueue;
  horizonMs: number;
  fault: Fault;
  log: Logger;
  now?: () => number;
}

/**
 * Turns stored events into deliveries: one per event and interested
 * receiver (matching subscriptions, the global URL, the session's own URL),
 * recorded in SQLite with the event marked dispatched, then queued. An event
 * stored but not yet dispatched when the process dies is dispatched at the
 * next start, and deliveries recorded but not queued are queued again then.
 */
export class Dispatcher {
  private running = false;
  private again = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly deps: DispatcherDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The reconciler: queues what a previous run left pending, then dispatches undispatched events. */
  async start(): Promise<void> {
    const orphans = await this.deps.queue.dropOrphans();
    let requeued = 0;
    for (const page of this.deps.store.pending()) {
      await this.deps.queue.add(page);
      requeued += page.length;
    }
    if (requeued > 0 || orphans > 0) this.deps.log.info({ requeued, orphans }, "webhook deliveries left pending by the last run are queued again");
    this.kick();
  }

  /** Dispatches whatever is undispatched, soon; cheap to call for every event. */
  readonly kick = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    // A short pause gathers the events of a burst into one fan-out: one transaction and one addBulk instead of one each.
    setTimeout(() => {
      void this.run().finally(() => {
        this.running = false;
      });
    }, GATHER_MS);
  };

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.dispatchBatch()) === BATCH);
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.log.error({ err }, "webhook dispatch failed; retrying");
      setTimeout(this.kick, RETRY_MS);
    }
  }

  private async dispatchBatch(): Promise<number> {
    const events = this.deps.store.undispatched(BATCH);
    if (events.length === 0) return 0;
    if (this.deps.fault === "crash-after-ledger-write") {
      this.deps.log.fatal({ eventId: events[0]!.eventId }, "fault injection: SIGKILL after the ledger write, before dispatch");
      process.kill(process.pid, "SIGKILL");
    }
    const made = this.deps.store.fanOut(events, this.targets(events), this.now(), this.deps.horizonMs);
    await this.deps.queue.add(made);
    return events.length;
  }

  private targets(events: LedgerRow[]): NewDelivery[] {
    const sessionIds = [...new Set(events.flatMap((e) => (e.sessionId === null ? [] : [e.sessionId])))];
    const withUrl = this.deps.sessionUrls.withWebhookUrl(sessionIds);
    const out: NewDelivery[] = [];
    for (const event of events) {
      for (const sub of this.deps.subscriptions.matching(event.type, event.sessionId)) out.push({ event, target: sub.id });
      if (event.sessionId !== null && withUrl.has(event.sessionId)) out.push({ event, target: `${SESSION_TARGET}${event.sessionId}` });
    }
    return out;
  }
}
