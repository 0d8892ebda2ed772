import type { Logger } from "../platform/logger.ts";
import type { EventLedgerStore } from "../registry/events/event-ledger-store.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { PlacementService, WorkerDirectory, WorkerLoad } from "./service.ts";

/** A session that moved is left where it is for this long: no ping-pong. */
const SETTLE_MS = 5 * 60_000;
const TICK_MS = 500;

/**
 * Evens out load when a worker joins or undrains: moves connected sessions,
 * idlest first, from the most to the least loaded worker (relative to their
 * MAX_SESSIONS), at most `perMinute` a minute. A move happens only if it
 * leaves the pair closer to even than before, so two workers one session
 * apart never trade it back and forth. It also finishes drains that found
 * no room at first.
 */
export class Rebalancer {
  private timer: ReturnType<typeof setInterval> | undefined;
  private tokens = 0;
  private last = 0;
  private busy = false;

  constructor(
    private readonly deps: {
      sessions: Pick<SessionStore, "connectedOn">;
      ledger: Pick<EventLedgerStore, "lastPositions">;
      placement: PlacementService;
      workers: WorkerDirectory;
      perMinute: number;
      now(): number;
      log: Logger;
    },
  ) {}

  start(): void {
    if (this.deps.perMinute === 0) return;
    this.last = this.deps.now();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = this.deps.now();
      // A budget that refills continuously, holding at most one second's worth (or one move).
      const rate = this.deps.perMinute / 60_000;
      this.tokens = Math.min(this.tokens + (now - this.last) * rate, Math.max(1, rate * 1000));
      this.last = now;
      while (this.tokens >= 1) {
        const next = this.nextMove();
        if (!next) break;
        this.tokens--;
        await this.deps.placement.move(next.sessionId, next.to, next.reason).catch((err: unknown) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err), ...next }, "rebalance move refused"));
      }
    } finally {
      this.busy = false;
    }
  }

  private nextMove(): { sessionId: string; to: string; reason: "rebalance" | "drain" } | undefined {
    const loads = this.deps.placement.loads().sort((a, b) => ratio(a) - ratio(b) || a.workerId.localeCompare(b.workerId));
    const roomy = loads.find((l) => l.placed < l.maxSessions);
    if (!roomy) return undefined;
    // Sessions left on draining or departed workers for want of room come first.
    for (const w of this.deps.workers.all()) {
      if (w.status === "ONLINE" && w.unregisteredAt === null) continue;
      const sessionId = this.deps.placement.sessionsOn(w.id)[0];
      if (sessionId !== undefined) return { sessionId, to: roomy.workerId, reason: "drain" };
    }
    const low = loads[0];
    const high = loads.at(-1);
    if (!low || !high || low === high) return undefined;
    if ((low.placed + 1) / low.maxSessions > (high.placed - 1) / high.maxSessions) return undefined;
    const sessionId = this.idlest(high.workerId);
    return sessionId === undefined ? undefined : { sessionId, to: low.workerId, reason: "rebalance" };
  }

  /**
   * The connected session on the worker with the oldest activity that has not moved lately.
   * Activity is the session's latest event in the ledger (a message sent or received, a status
   * change): `last_activity_at` moves only with status changes, so a busy session would look idle.
   */
  private idlest(workerId: string): string | undefined {
    const now = this.deps.now();
    const connected = this.deps.sessions.connectedOn(workerId);
    const last = this.deps.ledger.lastPositions(connected);
    // A stable sort of the id-ordered list: ties (and sessions with no event, first) stay in id order.
    const idlest = connected.sort((a, b) => (last.get(a) ?? 0) - (last.get(b) ?? 0));
    return idlest.find((id) => now - (this.deps.placement.lastMoved(id) ?? -Infinity) > SETTLE_MS);
  }
}

function ratio(l: WorkerLoad): number {
  return l.placed / l.maxSessions;
}
