import type { Redis } from "ioredis";
import { JobFailure } from "../../jobs/failure.ts";
import type { Logger } from "../../platform/logger.ts";
import { useRedisAuthState } from "../../whatsapp/auth-state/redis-auth-state.ts";
import type { WhatsAppDriver, WhatsAppSession } from "../../whatsapp/driver.ts";
import type { SessionLeases } from "../ownership/session-lease.ts";
import type { Reporter } from "../reporting/reporter.ts";
import type { ReconnectPolicy } from "./reconnect-policy.ts";
import { SessionRunner, type RunnerState } from "./session-runner.ts";

export interface SessionHostDeps {
  workerId: string;
  driver: WhatsAppDriver;
  leases: SessionLeases;
  redis: Redis;
  authKey: Uint8Array;
  reporter: Reporter;
  policy: ReconnectPolicy;
  maxSessions: number;
  log: Logger;
  /** How long START_SESSION waits for a QR, a pairing code or the connection before it reports "connecting". */
  startWaitMs?: number;
  /** How long a send waits for a reconnect in progress. */
  sendWaitMs?: number;
}

/** contract A's heartbeat `sessions` counts. */
export interface SessionCounts {
  total: number;
  connected: number;
  disconnected: number;
  qr_required: number;
  reconnecting: number;
  error: number;
}

/**
 * The sessions this worker hosts, at most MAX_SESSIONS. It holds each one's
 * ownership lease, runs each session's jobs one after another (different
 * sessions in parallel), and remembers in Redis which sessions it runs so a
 * restarted worker resumes them from their stored auth, without a new QR.
 */
export class SessionHost {
  private readonly runners = new Map<string, SessionRunner>();
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Sessions that ended in error or gave up: still counted until started again. */
  private readonly failed = new Map<string, "error" | "disconnected">();
  private readonly membersKey: string;
  messageCount = 0;
  accepting = true;

  constructor(private readonly deps: SessionHostDeps) {
    this.membersKey = `wag:worker:{${deps.workerId}}:sessions`;
  }

  /** Runs `task` after every earlier task of the same session: contract B's per-session order. */
  serialize<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(sessionId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.chains.set(sessionId, next);
    const cleanup = () => {
      if (this.chains.get(sessionId) === next) this.chains.delete(sessionId);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  async start(sessionId: string, pairingPhone?: string): Promise<RunnerState> {
    const running = this.runners.get(sessionId);
    if (running && !running.isEnded) return running.state;
    if (!this.accepting) throw new JobFailure("SESSION_NOT_CONNECTED", "this worker is draining and takes no new sessions");
    if (this.runners.size >= this.deps.maxSessions) throw new JobFailure("SESSION_NOT_CONNECTED", `this worker already hosts MAX_SESSIONS (${this.deps.maxSessions}) sessions`);
    const acquired = await this.deps.leases.acquire(sessionId);
    if (!acquired.ok) throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is owned by worker ${acquired.holder}`);
    this.failed.delete(sessionId);
    const log = this.deps.log.child({ sessionId });
    const runner: SessionRunner = new SessionRunner({
      sessionId,
      fence: acquired.fence,
      driver: this.deps.driver,
      redis: this.deps.redis,
      authKey: this.deps.authKey,
      reporter: this.deps.reporter,
      policy: this.deps.policy,
      log,
      onIncoming: (n) => (this.messageCount += n),
      onEnd: (keepMembership) => {
        if (this.runners.get(sessionId) === runner) this.runners.delete(sessionId);
        if (runner.state === "error" || runner.state === "disconnected") this.failed.set(sessionId, runner.state);
        const pending: Promise<unknown>[] = [this.deps.leases.release(acquired.fence)];
        if (!keepMembership) pending.push(this.deps.redis.srem(this.membersKey, sessionId));
        Promise.all(pending).catch((err: unknown) => log.warn({ err }, "could not release the session's lease"));
      },
    });
    this.runners.set(sessionId, runner);
    await this.deps.redis.sadd(this.membersKey, sessionId);
    if (!running) this.deps.reporter.session(sessionId, { kind: "created" });
    try {
      return await runner.start(pairingPhone, this.deps.startWaitMs ?? 15_000);
    } catch (err) {
      await runner.stop("disconnected", "could not start").catch(() => undefined);
      throw err;
    }
  }

  async stop(sessionId: string): Promise<"stopped"> {
    const runner = this.runners.get(sessionId);
    if (runner) await runner.stop();
    else {
      this.failed.delete(sessionId);
      await this.deps.redis.srem(this.membersKey, sessionId);
      this.deps.reporter.session(sessionId, { kind: "status", status: "stopped" });
    }
    return "stopped";
  }

  /** Logs out (when connected here) and erases the auth, taking the lease first if the session is not running here. */
  async delete(sessionId: string): Promise<"deleted"> {
    const runner = this.runners.get(sessionId);
    if (runner) await runner.delete();
    else {
      const acquired = await this.deps.leases.acquire(sessionId);
      if (!acquired.ok) throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is owned by worker ${acquired.holder}`);
      try {
        await (await useRedisAuthState(this.deps.redis, sessionId, this.deps.authKey, acquired.fence)).clear();
      } finally {
        await this.deps.leases.release(acquired.fence);
      }
    }
    this.failed.delete(sessionId);
    await this.deps.redis.srem(this.membersKey, sessionId);
    this.deps.reporter.session(sessionId, { kind: "status", status: "deleted" });
    return "deleted";
  }

  /** The session's open socket, or a job failure saying why there is none. */
  async socket(sessionId: string): Promise<WhatsAppSession> {
    const runner = this.runners.get(sessionId);
    const socket = runner ? await runner.connectedSocket(this.deps.sendWaitMs ?? 10_000) : null;
    if (socket) return socket;
    if (runner) throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is ${runner.state}`);
    const known = (await this.deps.redis.exists(`wag:auth:{${sessionId}}:creds`)) === 1;
    if (!known) throw new JobFailure("SESSION_NOT_FOUND", `session "${sessionId}" was never started, or was deleted`);
    throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is not running on this worker (stopped, or waiting for START_SESSION)`);
  }

  /** The sessions this worker ran before it restarted. */
  remembered(): Promise<string[]> {
    return this.deps.redis.smembers(this.membersKey);
  }

  counts(): SessionCounts {
    const c: SessionCounts = { total: this.runners.size + this.failed.size, connected: 0, disconnected: 0, qr_required: 0, reconnecting: 0, error: 0 };
    for (const runner of this.runners.values()) {
      const s = runner.state;
      if (s === "connected") c.connected++;
      else if (s === "qr_required" || s === "pairing_code") c.qr_required++;
      else if (s === "connecting" || s === "reconnecting") c.reconnecting++;
      else if (s === "error") c.error++;
      else c.disconnected++;
    }
    for (const state of this.failed.values()) c[state]++;
    return c;
  }

  /**
   * Keeps every lease alive. A session whose lease lapsed is dropped here at
   * once; it is started again under a new lease unless another worker took
   * it (a Redis outage longer than the lease, say, loses nothing).
   */
  async renewLeases(): Promise<void> {
    await Promise.all(
      [...this.runners.values()].map(async (runner) => {
        if (await this.deps.leases.renew(runner.fence).catch(() => true)) return;
        runner.abandon();
        await this.start(runner.sessionId).catch((err: unknown) => this.deps.log.warn({ err, sessionId: runner.sessionId }, "session lease lost and not regained"));
      }),
    );
  }

  /** Closes every socket, keeping auth and membership so the next start resumes them. */
  async shutdown(): Promise<void> {
    this.accepting = false;
    await Promise.all([...this.runners.values()].map((r) => r.stop("disconnected", "the worker is stopping")));
  }
}
