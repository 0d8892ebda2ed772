import type { Redis } from "ioredis";
import { LuaScript } from "../../platform/redis/lua-script.ts";

/**
 * Proof of ownership that every write on a session's behalf carries: the
 * lease key and the exact value this holder set. A write checks, inside
 * Redis, that the lease still holds this value (DESIGN invariants 1 and 4).
 */
export interface Fence {
  key: string;
  token: string;
  epoch: number;
}

type Acquired = { ok: true; fence: Fence } | { ok: false; holder: string };

// The value is "<workerId>|<instance>|<epoch>". A lease held by the same
// workerId but another instance is taken over at once: that is this worker
// restarted (the old process cannot still be running under one id and data
// set), and waiting out the TTL would delay its sessions for nothing. The
// epoch counter only grows, so a stale holder's token can never match again.
const ACQUIRE = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. '|' .. ARGV[2] .. '|'
if cur then
  if string.sub(cur, 1, #mine) == mine then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return {1, cur}
  end
  if string.sub(cur, 1, #ARGV[1] + 1) ~= ARGV[1] .. '|' then return {0, cur} end
end
local v = mine .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], v, 'PX', ARGV[3])
return {1, v}
`);

const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** How often a waiting acquire looks again: a hand-over costs at most this on top of the old owner's close. */
const ACQUIRE_POLL_MS = 100;

const leaseKey = (sessionId: string): string => `wag:lease:{${sessionId}}`;
const epochKey = (sessionId: string): string => `wag:lease-epoch:{${sessionId}}`;

/** One worker process's side of the session ownership leases in Redis. */
export class SessionLeases {
  constructor(
    private readonly redis: Redis,
    private readonly owner: { workerId: string; instanceId: string },
    readonly ttlMs: number,
  ) {}

  /**
   * Takes the lease, waiting up to `waitMs` while another worker holds it:
   * during a hand-over the old owner lets go within moments (closing its
   * socket first), and after a crash its lease lapses within the TTL.
   */
  async acquire(sessionId: string, waitMs = 0): Promise<Acquired> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const got = await this.tryAcquire(sessionId);
      if (got.ok || Date.now() >= deadline) return got;
      await Bun.sleep(Math.min(ACQUIRE_POLL_MS, Math.max(1, deadline - Date.now())));
    }
  }

  private async tryAcquire(sessionId: string): Promise<Acquired> {
    const [ok, value] = (await ACQUIRE.run(this.redis, [leaseKey(sessionId), epochKey(sessionId)], [this.owner.workerId, this.owner.instanceId, this.ttlMs])) as [number, string];
    if (ok !== 1) return { ok: false, holder: value.split("|")[0] ?? value };
    return { ok: true, fence: { key: leaseKey(sessionId), token: value, epoch: Number(value.split("|").at(-1)) } };
  }

  /** False when the lease was lost (expired and taken, or deleted): stop using the session at once. */
  async renew(fence: Fence): Promise<boolean> {
    return (await RENEW.run(this.redis, [fence.key], [fence.token, this.ttlMs])) === 1;
  }

  /** Whether the lease still holds this exact value: checked before a job acts on the session. */
  async holds(fence: Fence): Promise<boolean> {
    return (await this.redis.get(fence.key)) === fence.token;
  }

  async release(fence: Fence): Promise<void> {
    await RELEASE.run(this.redis, [fence.key], [fence.token]);
  }
}
