import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logger.ts";

/**
 * ioredis options for a redis://, rediss:// or unix:// URL. BullMQ needs
 * `maxRetriesPerRequest: null` so blocking commands wait out a Redis restart
 * instead of failing jobs.
 */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const common: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true };
  if (u.protocol === "unix:") {
    const db = Number(u.searchParams.get("db") ?? 0);
    return { ...common, path: decodeURIComponent(u.pathname), db, password: u.password || undefined };
  }
  return {
    ...common,
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number(u.pathname.slice(1) || 0),
    tls: u.protocol === "rediss:" ? {} : undefined,
  };
}

export async function connectRedis(url: string, name: string): Promise<Redis> {
  const client = new Redis({ ...redisOptions(url), connectionName: name });
  await client.connect();
  return client;
}

/** BullMQ silently loses jobs if Redis evicts keys; say so loudly. */
export async function warnOnEviction(client: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await client.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy && policy !== "noeviction") {
      log.warn({ policy }, `Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction", or queued jobs can be evicted`);
    }
  } catch {
    // Managed Redis services often forbid CONFIG; that is not a reason to refuse to start.
    log.debug("could not read Redis maxmemory-policy (CONFIG GET refused)");
  }
}

/** The URL a client uses for a unix socket path. */
export function unixUrl(socketPath: string): string {
  return `unix://${socketPath}`;
}
