import { t } from "elysia";

export const QueueParams = t.Object({
  queue: t.Union([t.Literal("whatsapp-jobs"), t.Literal("webhook-deliveries")], { description: "whatsapp-jobs (contract B) or webhook-deliveries (this coordinator's webhook delivery queue)" }),
});
export const QueueJobParams = t.Object({
  ...QueueParams.properties,
  jobId: t.String({ minLength: 1, maxLength: 128, examples: ["0193a5c2-7f1e-7c3a-9d2b-4f6e8a1b2c3d"] }),
});
export const FailedQuery = t.Object({
  limit: t.Optional(t.String({ pattern: "^(?:[1-9][0-9]?|100)$", description: "How many, 1-100 (default 50)", examples: ["50"] })),
});

const Counts = t.Object({
  waiting: t.Number({ description: "Not started yet (waiting or prioritized)" }),
  active: t.Number(),
  delayed: t.Number({ description: "Waiting for a retry backoff or a scheduled time" }),
  failed: t.Number({ description: "Failed for good (kept for inspection)" }),
  completed: t.Number({ description: "Kept completed jobs (contract B removes them on completion)" }),
});
export const QueueCountsResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(t.Object({ name: QueueParams.properties.queue, counts: Counts })),
});
export const FailedJobsResponse = t.Object({
  success: t.Literal(true),
  data: t.Array(
    t.Object({
      jobId: t.String(),
      name: t.String({ examples: ["SEND_TEXT"] }),
      sessionId: t.Union([t.String(), t.Null()]),
      failedReason: t.String({ examples: ["INVALID_PAYLOAD: data.to is required"] }),
      attemptsMade: t.Number(),
      createdAt: t.String({ format: "date-time" }),
      finishedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
    }),
    { description: "Newest first" },
  ),
});
export const QueueActionResponse = t.Object({ success: t.Literal(true), data: t.Object({ jobId: t.String(), action: t.Union([t.Literal("retried"), t.Literal("removed")]) }) });
