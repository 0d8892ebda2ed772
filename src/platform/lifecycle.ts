import type { Logger } from "./logger.ts";

interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

/**
 * Stops what was started, in reverse order (intake first, storage last), each
 * step bounded by what is left of the grace period so one stuck part cannot
 * keep the process alive forever.
 */
export class Lifecycle {
  private readonly parts: Stoppable[] = [];

  constructor(private readonly log: Logger) {}

  add(name: string, stop: () => Promise<void> | void): void {
    this.parts.push({ name, stop });
  }

  /** Returns false if some part failed or overran the grace period. */
  async stopAll(graceMs: number): Promise<boolean> {
    const deadline = Date.now() + graceMs;
    let clean = true;
    for (const part of [...this.parts].reverse()) {
      const left = Math.max(0, deadline - Date.now());
      try {
        const finished = await Promise.race([Promise.resolve(part.stop()).then(() => true), Bun.sleep(left).then(() => false)]);
        if (!finished) {
          clean = false;
          this.log.warn({ part: part.name }, "did not stop within the shutdown grace period");
        }
      } catch (err) {
        clean = false;
        this.log.error({ err, part: part.name }, "failed to stop cleanly");
      }
    }
    this.parts.length = 0;
    return clean;
  }
}
