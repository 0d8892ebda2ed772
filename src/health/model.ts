import { t } from "elysia";

export const HealthResponse = t.Object({
  status: t.Union([t.Literal("ok"), t.Literal("starting")], { description: "\"starting\" while the process loads; /ready says when it serves" }),
  version: t.String({ examples: ["0.1.0"] }),
  role: t.Union([t.Literal("all"), t.Literal("coordinator"), t.Literal("worker")]),
  uptime: t.Number({ description: "Seconds since this process started" }),
});

const CheckResult = t.String({ description: "\"ok\", or what is wrong", examples: ["ok"] });

export const ReadyResponse = t.Object({
  status: t.Literal("ready"),
  checks: t.Record(t.String(), CheckResult),
});

export const NotReadyResponse = t.Object({
  success: t.Literal(false),
  error: t.String({ examples: ["not ready: redis: Connection is closed."] }),
  code: t.Literal("NOT_READY"),
  checks: t.Record(t.String(), CheckResult),
});
