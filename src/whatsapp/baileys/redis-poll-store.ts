import type { Redis } from "ioredis";
import type { PollStore } from "../driver.ts";

type SavedPoll = { options: string[]; secret: string; creatorJid: string };

/** Votes keep coming for as long as people look at a poll; a month covers nearly all of them. */
const TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * Polls a session sent, in Redis, so a vote can be decrypted by whichever worker owns the session when
 * it arrives. The secret is the poll's messageSecret (base64): it only opens votes on this one poll.
 */
export class RedisPollStore implements PollStore {
  constructor(private readonly redis: Redis) {}

  private key(sessionId: string, pollMessageId: string): string {
    return `wag:poll:{${sessionId}}:${pollMessageId}`;
  }

  async save(sessionId: string, pollMessageId: string, poll: SavedPoll): Promise<void> {
    await this.redis.set(this.key(sessionId, pollMessageId), JSON.stringify(poll), "EX", TTL_SECONDS);
  }

  async get(sessionId: string, pollMessageId: string): Promise<SavedPoll | null> {
    const raw = await this.redis.get(this.key(sessionId, pollMessageId));
    return raw ? (JSON.parse(raw) as SavedPoll) : null;
  }
}
