import { t } from "elysia";
import { Nullable, SessionId, Timestamp, WorkerId, WorkerStatus, integer, oneOf } from "../contracts/worker-api/common.ts";
import { PLACEMENT_REASONS } from "./schema.ts";

const WorkerPlacement = t.Object({
  workerId: WorkerId,
  status: WorkerStatus,
  maxSessions: integer({ minimum: 1, examples: [50] }),
  sessions: t.Array(SessionId, { description: "Sessions placed on this worker (it runs them, or is taking them over)" }),
});

const PlacementMap = t.Object({
  workers: t.Array(WorkerPlacement, { description: "Every registered worker, by id, with the sessions placed on it" }),
  pending: t.Array(SessionId, { description: "Sessions waiting for a worker with room (status pending_capacity), oldest first" }),
});
export const PlacementMapResponse = t.Object({ success: t.Literal(true), data: PlacementMap });

const PlacementEntry = t.Object({
  sessionId: SessionId,
  from: Nullable(WorkerId),
  to: Nullable(t.String({ description: "Null: taken off every worker (stopped, ended, or waiting for capacity)" })),
  reason: oneOf(PLACEMENT_REASONS, {
    description:
      "start: placed for START_SESSION; failover: its worker died; drain: its worker drains or stops; rebalance: evening out load; move: an operator asked; capacity: waited for room (to null) or got it; stop: STOP or DELETE; ended: logged out or gave up; adopted: a worker reported running a session placed nowhere (e.g. started before this coordinator knew it)",
  }),
  at: Timestamp,
});

export const HistoryQuery = t.Object({
  sessionId: t.Optional(SessionId),
  limit: t.Optional(t.String({ pattern: "^(?:[1-9][0-9]{0,2}|1000)$", description: "Entries, 1-1000 (default 100)", examples: ["100"] })),
  before: t.Optional(t.String({ format: "date-time", description: "Only entries older than this (page with the last entry's `at`)" })),
});
export const HistoryResponse = t.Object({ success: t.Literal(true), data: t.Array(PlacementEntry) });

export const MoveBody = t.Object({
  workerId: t.Optional(WorkerId),
});
export const MoveResponse = t.Object({ success: t.Literal(true), data: t.Object({ sessionId: SessionId, from: WorkerId, to: WorkerId }) });
