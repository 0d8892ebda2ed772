import { t } from "elysia";
import { Command } from "../../contracts/worker-api/commands.ts";
import { Environment, Nullable, SessionStatus, Timestamp, WorkerStatus } from "../../contracts/worker-api/common.ts";

const Gauge = Nullable(t.Number());

export const MetricsView = t.Object({
  id: t.String(),
  timestamp: t.String({ format: "date-time", description: "When the coordinator received the heartbeat (for an averaged row: its bucket's start)" }),
  reportedAt: Nullable(Timestamp),
  status: WorkerStatus,
  cpuUsage: Gauge,
  memoryUsage: Gauge,
  uptime: Gauge,
  messageCount: Gauge,
  sessions: t.Object({ total: Gauge, connected: Gauge, disconnected: Gauge, qr_required: Gauge, reconnecting: Gauge, error: Gauge }),
  samples: t.Number({ description: "How many heartbeats this row stands for (1 unless averaged)" }),
  bucketSeconds: Nullable(t.Number({ description: "Set on averaged rows: the width of the bucket" })),
});

export const WorkerView = t.Object({
  workerId: t.String({ examples: ["worker-001"] }),
  endpoint: Nullable(t.String({ description: "Null once another worker has taken the endpoint over" })),
  description: Nullable(t.String()),
  status: WorkerStatus,
  registered: t.Boolean({ description: "False after it unregistered (or lost its endpoint): heartbeats get 404 until it registers again" }),
  offlineReason: Nullable(t.String({ examples: ["heartbeat_timeout"] })),
  maxSessions: t.Number(),
  currentSessions: t.Number({ description: "Sessions it reported in its last heartbeat" }),
  assignedSessions: t.Number({ description: "Sessions the registry has it owning" }),
  version: Nullable(t.String()),
  environment: Environment,
  lastHeartbeat: Nullable(Timestamp),
  secondsSinceHeartbeat: Nullable(t.Number()),
  lastMetrics: Nullable(MetricsView),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const WorkerDetail = t.Composite([
  WorkerView,
  t.Object({
    sessions: t.Array(t.Object({ sessionId: t.String(), status: SessionStatus, phoneNumber: Nullable(t.String()) }), { description: "The sessions it owns" }),
    pendingCommands: t.Array(Command),
  }),
]);

export const WorkerListResponse = t.Object({ success: t.Literal(true), data: t.Array(WorkerView) });
export const WorkerDetailResponse = t.Object({ success: t.Literal(true), data: WorkerDetail });

export const MetricsQuery = t.Object({
  since: t.Optional(t.String({ format: "date-time", description: "Oldest (inclusive)" })),
  until: t.Optional(t.String({ format: "date-time", description: "Newest (inclusive)" })),
  // A pattern rather than a number: Elysia's query coercion reports a bad number without naming the parameter.
  limit: t.Optional(t.String({ pattern: "^(?:[1-9][0-9]{0,2}|1000)$", description: "Rows per page, 1-1000 (default 100)", examples: ["100"] })),
  cursor: t.Optional(t.String({ pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", description: "page.nextCursor of the previous page" })),
});

export const MetricsPageResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(MetricsView, { description: "Oldest first" }),
  page: t.Object({ limit: t.Number(), nextCursor: Nullable(t.String({ description: "Null on the last page" })) }),
});

export const DrainResponse = t.Object({ success: t.Literal(true), data: t.Object({ command: Command }) });
