import type { WorkerWorld } from "../../tests/worker/support/worker-world.ts";

/**
 * One session's move, step by step, in unix ms, from the coordinator's own
 * records: its placement history, and the ledger of what the new owner
 * reported (each event with the worker's timestamp and the moment the
 * coordinator stored it, i.e. when the API shows it).
 */
export interface Handoff {
  sessionId: string;
  from: string | null;
  to: string;
  reason: string;
  /** The coordinator placed it on `to`. */
  placedAt: number;
  /** `to` holds the lease and starts the session (its session_created report, by its clock). */
  leaseTakenAt?: number;
  /** `to` saw the connection open (its session_connected report, by its clock). */
  connectedAt?: number;
  /** The coordinator stored that report: from now on the API says `connected`. */
  apiConnectedAt?: number;
}

interface PlacementRecord {
  session_id: string;
  from_worker: string | null;
  to_worker: string;
  reason: string;
  at: number;
}

interface Report {
  session_id: string;
  event: string;
  worker_id: string;
  occurred_at: number | null;
  received_at: number;
}

/**
 * Every move of the given sessions to a worker at or after `since` (the
 * first of each session's, if it moved more than once), with the new
 * owner's first reports after it.
 */
export function handoffsSince(world: WorkerWorld, sessionIds: Iterable<string>, since: number): Handoff[] {
  const wanted = new Set(sessionIds);
  const db = world.db();
  try {
    const placements = db
      .query<PlacementRecord, [number]>("SELECT session_id, from_worker, to_worker, reason, at FROM placement_history WHERE at >= ? AND to_worker IS NOT NULL ORDER BY at, id")
      .all(since);
    const reports = db
      .query<Report, [number]>("SELECT session_id, event, worker_id, occurred_at, received_at FROM event_ledger WHERE received_at >= ? AND event IN ('session_created', 'session_connected') ORDER BY position")
      .all(since);
    const moves = new Map<string, Handoff>();
    for (const p of placements) {
      if (wanted.has(p.session_id) && !moves.has(p.session_id)) moves.set(p.session_id, { sessionId: p.session_id, from: p.from_worker, to: p.to_worker, reason: p.reason, placedAt: p.at });
    }
    for (const r of reports) {
      const move = moves.get(r.session_id);
      const at = r.occurred_at ?? r.received_at;
      // Reports from before the move (an earlier stay on the same worker) are history.
      if (!move || r.worker_id !== move.to || at < move.placedAt) continue;
      if (r.event === "session_created") move.leaseTakenAt ??= at;
      else if (move.connectedAt === undefined) {
        move.connectedAt = at;
        move.apiConnectedAt = r.received_at;
      }
    }
    return [...moves.values()];
  } finally {
    db.close();
  }
}
