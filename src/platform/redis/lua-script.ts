import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

type Arg = string | number | Buffer;

/**
 * A Lua script run by its SHA (EVALSHA), sent in full only when Redis has not
 * seen it yet (after a restart, or on a new server). Scripts are how a check
 * and a write happen as one step: Redis runs a script without interleaving
 * any other client's commands.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
