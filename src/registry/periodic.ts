import type { Logger } from "../platform/logger.ts";

/** Runs `task` every `ms` until stopped. A failing run is logged; the next one still happens. */
export function runEvery(ms: number, name: string, log: Logger, task: () => void): { stop(): void } {
  const timer = setInterval(() => {
    try {
      task();
    } catch (err) {
      log.error({ err, task: name }, "periodic task failed");
    }
  }, ms);
  return { stop: () => clearInterval(timer) };
}
