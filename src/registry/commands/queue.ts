import type { Command } from "../../contracts/worker-api/commands.ts";
import type { LiveWorkerStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { CommandRow } from "./schema.ts";
import type { WorkerCommandStore } from "./worker-command-store.ts";

/** A command as the coordinator asks for it: the queue gives it its id and time. */
type Unissued<C> = C extends unknown ? Omit<C, "commandId" | "issuedAt"> : never;
type NewCommand = Unissued<Command>;

/**
 * The durable per-worker command queue (its rows kept by the command
 * store), mirrored in memory so a heartbeat with nothing pending touches no
 * table.
 *
 * Acknowledgement: a heartbeat that lists `ackCommandIds` acknowledges exactly
 * those, and everything else pending is sent again (a lost response loses
 * nothing). A heartbeat without that field (a worker built from contract A
 * alone) acknowledges what the previous response carried.
 */
export class CommandQueue {
  /** Unacknowledged commands per worker, oldest first. */
  private readonly pending = new Map<string, CommandRow[]>();

  constructor(
    private readonly store: WorkerCommandStore,
    private readonly now: () => number,
  ) {
    for (const row of store.unacknowledged()) this.listFor(row.workerId).push(row);
  }

  /** Queues a command for the worker's next heartbeat. The worker must exist in the registry. */
  enqueue(workerId: string, command: NewCommand): Command {
    const row: CommandRow = {
      id: Bun.randomUUIDv7(),
      workerId,
      type: command.type,
      sessionId: "sessionId" in command ? command.sessionId : null,
      createdAt: this.now(),
      deliveredAt: null,
      deliveryCount: 0,
      ackedAt: null,
    };
    this.store.add(row);
    this.listFor(workerId).push(row);
    return toCommand(row);
  }

  /** Settles acknowledgements and returns what this heartbeat's response must carry. */
  exchange(workerId: string, ackCommandIds: readonly string[] | undefined): Command[] {
    const list = this.pending.get(workerId);
    if (!list?.length) return [];
    const now = this.now();
    const explicit = ackCommandIds && new Set(ackCommandIds);
    const acked = list.filter((c) => (explicit ? explicit.has(c.id) : c.deliveredAt !== null));
    const outgoing = list.filter((c) => !acked.includes(c));
    this.store.exchanged(
      acked.map((c) => c.id),
      outgoing.map((c) => ({ id: c.id, deliveryCount: c.deliveryCount + 1 })),
      now,
    );
    for (const c of outgoing) {
      c.deliveredAt = now;
      c.deliveryCount += 1;
    }
    this.pending.set(workerId, outgoing);
    return outgoing.map(toCommand);
  }

  /** The status an unacknowledged DRAIN (MAINTENANCE) or UNDRAIN (ONLINE), the latest one, holds the worker to. */
  pendingStatus(workerId: string): LiveWorkerStatus | undefined {
    const latest = (this.pending.get(workerId) ?? []).findLast((c) => c.type === "DRAIN" || c.type === "UNDRAIN");
    return latest === undefined ? undefined : latest.type === "DRAIN" ? "MAINTENANCE" : "ONLINE";
  }

  /** What the worker has not acknowledged yet, oldest first. */
  pendingFor(workerId: string): Command[] {
    return (this.pending.get(workerId) ?? []).map(toCommand);
  }

  /**
   * A worker that registers again has restarted and lost whatever it was told
   * but had not acknowledged: send all of it again rather than let the next
   * heartbeat acknowledge it implicitly.
   */
  redeliver(workerId: string): void {
    for (const c of this.pending.get(workerId) ?? []) c.deliveredAt = null;
    this.store.undeliver(workerId);
  }

  private listFor(workerId: string): CommandRow[] {
    let list = this.pending.get(workerId);
    if (!list) this.pending.set(workerId, (list = []));
    return list;
  }
}

function toCommand(row: CommandRow): Command {
  const base = { commandId: row.id, issuedAt: new Date(row.createdAt).toISOString() };
  if (row.type === "DRAIN" || row.type === "UNDRAIN") return { ...base, type: row.type };
  // The table's CHECK guarantees a session id on every session command.
  return { ...base, type: row.type, sessionId: row.sessionId ?? "" };
}
