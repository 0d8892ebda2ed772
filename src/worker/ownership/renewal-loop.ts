import type { Logger } from "../../platform/logger.ts";

/**
 * Runs `renew` every `everyMs`, never two rounds at once. While Redis is
 * frozen or unreachable a round simply hangs: the next one waits for it
 * instead of piling up beside it (piled-up rounds all failed together when
 * Redis came back, each starting its sessions again). A round that took
 * longer than `everyMs` is followed at once, so a lease confirmed late is
 * confirmed afresh straight away.
 */
export function startRenewalLoop(renew: () => Promise<void>, everyMs: number, log: Logger): { stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const round = async (): Promise<void> => {
    const startedAt = Date.now();
    await renew().catch((err: unknown) => log.warn({ err }, "lease renewal failed"));
    if (!stopped) timer = setTimeout(() => void round(), Math.max(0, startedAt + everyMs - Date.now()));
  };
  timer = setTimeout(() => void round(), everyMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
