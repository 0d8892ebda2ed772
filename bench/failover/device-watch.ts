import type { Simulator } from "../../src/simulator/create-simulator.ts";

/** A stretch of time in which a session's linked device had no live connection at the simulator. */
export interface Outage {
  sessionId: string;
  /** Unix ms of the first look that found it offline. */
  from: number;
  /** Unix ms of the first look that found it online again; undefined while it is still down. */
  to: number | undefined;
}

/**
 * What WhatsApp itself sees: polls the in-process simulator for whether each
 * session's linked device has a live, logged-in connection, and records
 * every outage. This is the truth the API's status trails: a handed-over
 * session shows `connected` until its new owner reports, while its device
 * may already be offline.
 */
export class DeviceWatch {
  private readonly phones = new Map<string, string>();
  private readonly down = new Map<string, Outage>();
  readonly outages: Outage[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sim: Simulator,
    readonly everyMs: number,
  ) {}

  /** Watches one session from now on; its device must be online already. */
  track(sessionId: string, phone: string): void {
    this.phones.set(sessionId, phone);
  }

  start(): void {
    this.timer = setInterval(() => this.look(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Outages that began at or after `since` (and before `until`), closed or not. */
  outagesBetween(since: number, until = Infinity): Outage[] {
    return this.outages.filter((o) => o.from >= since && o.from < until);
  }

  private look(): void {
    const now = Date.now();
    for (const [sessionId, phone] of this.phones) {
      const online = this.sim.control.getAccount(phone).devices.some((d) => d.id !== 0 && d.online);
      const open = this.down.get(sessionId);
      if (!online && !open) {
        const outage: Outage = { sessionId, from: now, to: undefined };
        this.down.set(sessionId, outage);
        this.outages.push(outage);
      } else if (online && open) {
        open.to = now;
        this.down.delete(sessionId);
      }
    }
  }
}
