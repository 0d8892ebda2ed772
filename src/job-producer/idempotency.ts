import type { Redis } from "ioredis";

/** How long a key is remembered: the window in which a retry is recognised. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

type Claim = { status: "new" } | { status: "replay"; jobId: string } | { status: "conflict" };

/**
 * Remembers which job each `Idempotency-Key` produced, in Redis so every
 * coordinator (and a restarted one) sees it. One atomic `SET NX GET` claims the
 * key for a new job or returns the earlier claim, so two identical requests
 * racing each other still enqueue once.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = IDEMPOTENCY_TTL_SECONDS,
  ) {}

  /** `fingerprint` identifies the request body; `jobId` is the job this request will enqueue if it is new. */
  async claim(key: string, fingerprint: string, jobId: string): Promise<Claim> {
    const earlier = await this.redis.set(redisKey(key), `${fingerprint} ${jobId}`, "EX", this.ttlSeconds, "NX", "GET");
    if (earlier === null) return { status: "new" };
    const [earlierFingerprint, earlierJobId] = earlier.split(" ");
    return earlierFingerprint === fingerprint && earlierJobId ? { status: "replay", jobId: earlierJobId } : { status: "conflict" };
  }

  /** Gives the key up after the enqueue failed, so the client's retry is not answered with a job that never existed. */
  async release(key: string): Promise<void> {
    await this.redis.del(redisKey(key));
  }
}

/** The API bounds keys to 255 characters, and Redis keys are binary-safe, so the key is used as it is. */
function redisKey(key: string): string {
  return `wa-gateway:idempotency:${key}`;
}

/** The same request body always gives the same fingerprint, whatever its key order. */
export function fingerprint(name: string, data: unknown): string {
  return Bun.SHA256.hash(`${name}\n${canonicalJson(data)}`, "base64");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
