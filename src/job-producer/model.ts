import { t } from "elysia";
import { ErrorResponse } from "../contracts/worker-api/error.ts";
import { JOB_FAILURES, JOB_NAMES, literalUnion } from "../contracts/jobs/index.ts";

export const IdempotencyHeaders = t.Object({
  "idempotency-key": t.Optional(
    t.String({
      minLength: 1,
      maxLength: 255,
      description: "Makes a retry safe: the same key with the same body within 24 h answers the first jobId and enqueues nothing; with a different body, 409.",
      examples: ["order-8812-confirmation"],
    }),
  ),
});

const JobNameSchema = literalUnion(JOB_NAMES);

export const AcceptedResponse = t.Object(
  {
    success: t.Literal(true),
    data: t.Object({
      jobId: t.String({ examples: ["0193a5c2-7f1e-7c3a-9d2b-4f6e8a1b2c3d"] }),
      jobName: JobNameSchema,
      sessionId: t.String({ examples: ["user-123"] }),
      statusUrl: t.String({ description: "Where to follow the job", examples: ["/api/v1/jobs/0193a5c2-7f1e-7c3a-9d2b-4f6e8a1b2c3d"] }),
    }),
  },
  { description: "Accepted: the job is queued (or, for a repeated Idempotency-Key, was queued before)" },
);

export const JOB_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;

const failureCodes = Object.entries(JOB_FAILURES)
  .map(([code, f]) => `${code} (${f.permanent ? "permanent" : "retried"}): ${f.meaning}`)
  .join("; ");

export const JobStatusResponse = t.Object({
  success: t.Literal(true),
  data: t.Object({
    jobId: t.String({ examples: ["0193a5c2-7f1e-7c3a-9d2b-4f6e8a1b2c3d"] }),
    name: t.String({ examples: ["SEND_TEXT"] }),
    sessionId: t.Nullable(t.String({ examples: ["user-123"] })),
    state: literalUnion(JOB_STATES),
    attemptsMade: t.Integer({ description: "Attempts that ended (failed or succeeded)", examples: [1] }),
    maxAttempts: t.Integer({ examples: [3] }),
    redelivery: t.Optional(
      t.Integer({
        description:
          "Above 0 when the attempt that completed was handed to a second worker because the first died while running it (a SIGKILLed host): " +
          "the job may have run twice, e.g. a message sent twice. Deduplicate on the job id if that matters.",
        examples: [0],
      }),
    ),
    result: t.Optional(
      t.Unknown({
        description: "What the worker returned (completed jobs): e.g. {messageId, to, timestamp} for SEND_* jobs",
        examples: [{ messageId: "3EB0C431D2B1F2A4E6C1", to: "6281234567890@s.whatsapp.net", timestamp: 1703839200 }],
      }),
    ),
    failedReason: t.Optional(t.String({ description: 'Why it failed: "<CODE>: <message>"', examples: ["SESSION_NOT_CONNECTED: session user-123 is not connected"] })),
    failureCode: t.Optional(t.Nullable(t.String({ description: `The CODE of failedReason, or null for an unclassified error. ${failureCodes}`, examples: ["SESSION_NOT_CONNECTED"] }))),
    createdAt: t.String({ format: "date-time" }),
    processedAt: t.Nullable(t.String({ format: "date-time", description: "When the last attempt started" })),
    finishedAt: t.Nullable(t.String({ format: "date-time" })),
    runAt: t.Optional(t.String({ format: "date-time", description: "Delayed jobs: when they become due" })),
  }),
});

export { ErrorResponse };
