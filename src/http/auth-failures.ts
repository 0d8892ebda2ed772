/**
 * Failed authentications per source address, as a token bucket: each failure takes a token, tokens come
 * back at `perMinute` a minute, and a source with none left is refused (429) until one is back, whatever
 * it presents, so a guesser learns nothing from the answers while it is limited. Valid requests take no
 * token. The table is bounded: a flood of sources cannot grow it without end.
 */
export class AuthFailures {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxSources = 10_000,
  ) {}

  /** Seconds until `source` may try again, or 0 if it may now. */
  retryAfter(source: string): number {
    const bucket = this.refilled(source);
    return bucket && bucket.tokens < 1 ? Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute) : 0;
  }

  /** Takes a token for a failure; true if that was the source's last one (worth one log line). */
  record(source: string): boolean {
    const bucket = this.refilled(source) ?? this.admit(source);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    return bucket.tokens < 1;
  }

  private refilled(source: string): { tokens: number; at: number } | undefined {
    const bucket = this.buckets.get(source);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    return bucket;
  }

  private admit(source: string): { tokens: number; at: number } {
    if (this.buckets.size >= this.maxSources) {
      // Forget the sources that are whole again; if none is, the oldest (a Map keeps insertion order).
      for (const key of [...this.buckets.keys()]) if ((this.refilled(key)?.tokens ?? 0) >= this.perMinute) this.buckets.delete(key);
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value ?? "");
    }
    const bucket = { tokens: this.perMinute, at: this.now() };
    this.buckets.set(source, bucket);
    return bucket;
  }
}
