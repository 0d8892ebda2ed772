import type { Redis } from "ioredis";

/*
 * Per session: the next free send slot, and when the last send went out. Per
 * job: the slot it holds while it waits as a delayed job, so it is not charged
 * a second slot when it returns. A job that comes back late (a busy machine
 * promotes delayed jobs late) still runs only an interval after the previous
 * send, or takes the next free slot: the spacing is what WhatsApp sees. Redis's
 * own clock, so several workers agree on the schedule.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
local held = redis.call('GET', KEYS[2])
if held then
  held = tonumber(held)
  if held > now then return held - now end
  redis.call('DEL', KEYS[2])
  if now >= last + interval then
    redis.call('SET', KEYS[3], now, 'PX', interval + 60000)
    return 0
  end
end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'), last + interval)
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 60000)
if slot <= now then
  redis.call('SET', KEYS[3], now, 'PX', interval + 60000)
  return 0
end
redis.call('SET', KEYS[2], slot, 'PX', slot - now + 3600000)
return slot - now
`;

/**
 * Caps how many messages each session sends per minute. WhatsApp bans numbers
 * that send in bursts, so sends are spaced evenly (60 s / cap apart) rather
 * than allowed in a burst then stopped. It is applied when a job is about to
 * run, not when it is added: that is what WhatsApp sees, it holds for jobs from
 * any producer, and a backlog that built up while a session was offline still
 * goes out at the capped pace.
 */
export class SessionRateLimiter {
  private readonly intervalMs: number;

  constructor(
    private readonly redis: Redis,
    perMinute: number,
  ) {
    this.intervalMs = Math.ceil(60_000 / perMinute);
  }

  /** How long the job must wait for its slot, in ms; 0 means send now. */
  async reserve(sessionId: string, jobId: string): Promise<number> {
    const wait = await this.redis.eval(RESERVE, 3, `wa-gateway:rate:session:${sessionId}`, `wa-gateway:rate:job:${jobId}`, `wa-gateway:rate:last:${sessionId}`, this.intervalMs);
    return Number(wait);
  }
}
