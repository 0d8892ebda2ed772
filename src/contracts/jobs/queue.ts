import type { JobsOptions } from "bullmq";

/** The BullMQ queue every producer (ours or not) adds to; Redis keys are `bull:whatsapp-jobs:*`. */
export const QUEUE_NAME = "whatsapp-jobs";

/**
 * Contract B's job options. Failed jobs are kept (`removeOnFail: false`) so an
 * operator can see why; completed ones are dropped, which is why the intake
 * records results separately (see result-store.ts).
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
} as const satisfies JobsOptions;
