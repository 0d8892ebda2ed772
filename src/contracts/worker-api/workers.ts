import { t } from "elysia";
import { Command } from "./commands.ts";
import { Counter, Environment, MessageResponse, percent, Timestamp, WorkerId, WorkerStatus, integer } from "./common.ts";

export const RegisterBody = t.Object({
  workerId: WorkerId,
  endpoint: t.String({ pattern: "^https?://[^\\s]+$", maxLength: 2048, description: "The URL this worker serves on; one worker per endpoint", examples: ["http://localhost:8001"] }),
  maxSessions: t.Optional(integer({ minimum: 1, maximum: 100_000, description: "Most sessions this worker hosts (default 50)", examples: [50] })),
  description: t.Optional(t.String({ maxLength: 500, examples: ["Primary worker instance"] })),
  /** Default ONLINE. */
  status: t.Optional(WorkerStatus),
  version: t.Optional(t.String({ maxLength: 64, examples: ["1.0.0"] })),
  /** Default DEVELOPMENT. */
  environment: t.Optional(Environment),
  timestamp: t.Optional(Timestamp),
});

export const RegisterResponse = t.Object({
  success: t.Literal(true),
  data: t.Object({
    workerId: t.String({ examples: ["worker-001"] }),
    status: t.Literal("registered"),
    assignedSessions: t.Array(t.String(), { description: "Ids of the sessions the coordinator wants this worker to run (after a restart: the ones it owned)" }),
    message: t.Literal("Worker registered successfully"),
  }),
});

export const SessionCounts = t.Object({
  total: Counter,
  connected: t.Optional(Counter),
  disconnected: t.Optional(Counter),
  qr_required: t.Optional(Counter),
  reconnecting: t.Optional(Counter),
  error: t.Optional(Counter),
});

export const HeartbeatBody = t.Object({
  status: WorkerStatus,
  cpuUsage: t.Optional(percent([45.5])),
  memoryUsage: t.Optional(percent([67.8])),
  uptime: t.Optional(integer({ minimum: 0, description: "Seconds", examples: [3600] })),
  messageCount: t.Optional(integer({ minimum: 0, examples: [1250] })),
  sessions: t.Optional(SessionCounts),
  timestamp: t.Optional(Timestamp),
  ackCommandIds: t.Optional(
    t.Array(t.String({ maxLength: 64 }), {
      maxItems: 1000,
      description:
        "Our addition to contract A: the ids of commands this worker has acted on. When present, exactly these are acknowledged and the rest are sent again. " +
        "When absent, this heartbeat acknowledges every command the previous response carried.",
    }),
  ),
});

export const HeartbeatResponse = t.Object({
  success: t.Literal(true),
  data: t.Object({
    workerId: t.String({ examples: ["worker-001"] }),
    status: t.Literal("acknowledged"),
    commands: t.Array(Command, { description: "Pending commands, oldest first; see Command" }),
  }),
});

export const UnregisterResponse = MessageResponse("Worker unregistered successfully");
