import type { Redis } from "ioredis";
import { placedKey, placementChannel } from "../cluster/names.ts";

/**
 * The copy of the placement that workers read: one Redis set per worker of
 * the sessions it should run. SQLite stays the truth; this copy is rebuilt
 * from it at every coordinator start, so a crash between the two writes
 * heals itself. Each change also pings the workers concerned, so they act at
 * once instead of at their next periodic look.
 */
export class PlacementMirror {
  constructor(private readonly redis: Redis) {}

  async move(sessionId: string, from: string | null, to: string | null): Promise<void> {
    const pipe = this.redis.pipeline();
    if (from) pipe.srem(placedKey(from), sessionId);
    if (to) pipe.sadd(placedKey(to), sessionId);
    if (from) pipe.publish(placementChannel(from), sessionId);
    if (to) pipe.publish(placementChannel(to), sessionId);
    await run(pipe);
  }

  /** Makes every worker's set exactly what the registry says, dropping sets of workers with nothing placed. */
  async rebuild(byWorker: ReadonlyMap<string, ReadonlySet<string>>, knownWorkers: readonly string[]): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const id of new Set([...knownWorkers, ...byWorker.keys()])) {
      pipe.del(placedKey(id));
      const placed = byWorker.get(id);
      if (placed && placed.size > 0) pipe.sadd(placedKey(id), ...placed);
      pipe.publish(placementChannel(id), "*");
    }
    await run(pipe);
  }
}

async function run(pipe: ReturnType<Redis["pipeline"]>): Promise<void> {
  for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
}
