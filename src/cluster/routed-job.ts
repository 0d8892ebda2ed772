/**
 * What the router puts on a worker's queue for one attempt of a
 * `whatsapp-jobs` job: the contract B payload and the facts of the original
 * job the worker reports with (its id, attempt and age). The child job keeps
 * the original's name.
 */
export interface RoutedJobData {
  /** The `whatsapp-jobs` job's id: results, events and GET /api/v1/jobs use it. */
  parentId: string;
  payload: unknown;
  /** 1-based attempt of the original job. */
  attempt: number;
  maxAttempts: number;
  enqueuedAt: number;
  /**
   * 0 on the first hand-over of an attempt. Higher when the router handed the
   * same attempt to another worker because the first one died while running
   * it: the job may have run there already (at-least-once).
   */
  redelivery: number;
}

export function isRoutedJobData(data: unknown): data is RoutedJobData {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.parentId === "string" && typeof d.attempt === "number" && typeof d.maxAttempts === "number" && typeof d.enqueuedAt === "number" && typeof d.redelivery === "number" && "payload" in d;
}
