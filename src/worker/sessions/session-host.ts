import type { Static } from "elysia";
import type { Redis } from "ioredis";
import type { SessionCounts as SessionCountsBody } from "../../contracts/worker-api/workers.ts";
import { JobFailure } from "../../contracts/jobs/job-failure.ts";
import { KeyedSerializer } from "../../platform/keyed-serializer.ts";
import type { Logger } from "../../platform/logger.ts";
import { authCredsKey, clearAuthState, credsReadable, type AuthStateKeys } from "../../whatsapp/auth-state/redis-auth-state.ts";
import type { WhatsAppDriver, WhatsAppSession } from "../../whatsapp/driver.ts";
import type { SessionLeases } from "../ownership/session-lease.ts";
import type { Disconnect, Reporter } from "../reporting/reporter.ts";
import type { ReconnectPolicy } from "./reconnect-policy.ts";
import { SessionRunner, type RunnerState } from "./session-runner.ts";

interface SessionHostDeps {
  workerId: string;
  driver: WhatsAppDriver;
  leases: SessionLeases;
  redis: Redis;
  authKeys: AuthStateKeys;
  reporter: Reporter;
  policy: ReconnectPolicy;
  maxSessions: number;
  log: Logger;
  /** How long START_SESSION waits for a QR, a pairing code or the connection before it reports "connecting". */
  startWaitMs?: number;
  /** How long a send waits for a reconnect in progress. */
  sendWaitMs?: number;
  /** How long a start waits for another worker to let go of the session's lease (a hand-over in progress). */
  leaseWaitMs: number;
  /**
   * Coordinated workers: whether the coordinator placed the session here. A
   * job for such a session that is not running yet starts it (it is moving
   * here); standalone workers have no such notion.
   */
  placedHere?: (sessionId: string) => Promise<boolean>;
}

/** contract A's heartbeat `sessions` counts, every one filled in. */
export type SessionCounts = Required<Static<typeof SessionCountsBody>>;

/**
 * The sessions this worker hosts, at most MAX_SESSIONS. It holds each one's
 * ownership lease, runs each session's jobs one after another (different
 * sessions in parallel), and remembers in Redis which sessions it runs so a
 * restarted worker resumes them from their stored auth, without a new QR.
 */
export class SessionHost {
  private readonly runners = new Map<string, SessionRunner>();
  private readonly order = new KeyedSerializer();
  /** Sessions that ended in error or gave up: still counted until started again. */
  private readonly failed = new Map<string, "error" | "disconnected" | "auth_unreadable">();
  /** Stopped here by STOP_SESSION: not resumed from the placement until a START_SESSION. */
  private readonly stopped = new Set<string>();
  private readonly membersKey: string;
  messageCount = 0;
  accepting = true;

  constructor(private readonly deps: SessionHostDeps) {
    this.membersKey = `wag:worker:{${deps.workerId}}:sessions`;
  }

  /** Runs `task` after every earlier task of the same session: contract B's per-session order. */
  serialize<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    return this.order.run(sessionId, task);
  }

  async start(sessionId: string, pairingPhone?: string): Promise<RunnerState> {
    const running = this.runners.get(sessionId);
    if (running && !running.isEnded) return running.state;
    if (!this.accepting) throw stopping();
    if (this.runners.size >= this.deps.maxSessions) throw new JobFailure("SESSION_NOT_CONNECTED", `this worker already hosts MAX_SESSIONS (${this.deps.maxSessions}) sessions`);
    const acquired = await this.deps.leases.acquire(sessionId, this.deps.leaseWaitMs);
    if (!acquired.ok) throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is owned by worker ${acquired.holder}`);
    // The wait may have outlasted a drain or a shutdown.
    if (!this.accepting) {
      await this.deps.leases.release(acquired.fence);
      throw stopping();
    }
    this.failed.delete(sessionId);
    this.stopped.delete(sessionId);
    const log = this.deps.log.child({ sessionId });
    const runner: SessionRunner = new SessionRunner({
      sessionId,
      fence: acquired.fence,
      driver: this.deps.driver,
      redis: this.deps.redis,
      authKeys: this.deps.authKeys,
      reporter: this.deps.reporter,
      policy: this.deps.policy,
      log,
      onIncoming: (n) => (this.messageCount += n),
      onEnd: (keepMembership) => {
        if (this.runners.get(sessionId) === runner) this.runners.delete(sessionId);
        if (runner.state === "error" || runner.state === "disconnected" || runner.state === "auth_unreadable") this.failed.set(sessionId, runner.state);
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
    this.stopped.add(sessionId);
    const runner = this.runners.get(sessionId);
    if (runner) await runner.stop();
    else {
      this.failed.delete(sessionId);
      await this.deps.redis.srem(this.membersKey, sessionId);
      this.deps.reporter.session(sessionId, { kind: "status", status: "stopped" });
    }
    return "stopped";
  }

  /**
   * Logs out (when connected here) and erases the auth, taking the lease first
   * if the session is not running here. Auth state no key opens is erased
   * too; the `warning` says the device could not be logged out then.
   */
  async delete(sessionId: string): Promise<{ status: "deleted"; warning?: string }> {
    const runner = this.runners.get(sessionId);
    let disconnect: Disconnect | undefined;
    let warning: string | undefined;
    if (runner) disconnect = await runner.delete();
    else {
      const acquired = await this.deps.leases.acquire(sessionId, this.deps.leaseWaitMs);
      if (!acquired.ok) throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is owned by worker ${acquired.holder}`);
      try {
        if ((await credsReadable(this.deps.redis, sessionId, this.deps.authKeys)) === "unreadable") {
          // Logging out takes the creds: without them only the phone can unlink the device.
          warning = "the auth state could not be decrypted with AUTH_STATE_KEY, so the device was not logged out: remove it on the phone under Linked devices";
          this.deps.log.warn({ sessionId }, `deleting the session: ${warning}`);
        }
        await clearAuthState(this.deps.redis, sessionId, acquired.fence);
      } finally {
        await this.deps.leases.release(acquired.fence);
      }
    }
    this.failed.delete(sessionId);
    this.stopped.delete(sessionId);
    await this.deps.redis.srem(this.membersKey, sessionId);
    this.deps.reporter.session(sessionId, { kind: "status", status: "deleted", ...(disconnect && { disconnect }), ...(warning && { error: warning }) });
    return { status: "deleted", ...(warning && { warning }) };
  }

  /**
   * The session moved away: close its socket without a word and let go of
   * its lease (after the socket closed), keeping the auth for the new owner.
   */
  async release(sessionId: string): Promise<void> {
    const runner = this.runners.get(sessionId);
    if (runner) await runner.handOff();
  }

  isRunning(sessionId: string): boolean {
    return this.runners.get(sessionId)?.isEnded === false;
  }

  /** Stopped, or ended in error or gave up here: not resumed until a START_SESSION says so. */
  heldBack(sessionId: string): boolean {
    return this.failed.has(sessionId) || this.stopped.has(sessionId);
  }

  running(): string[] {
    return [...this.runners.keys()];
  }

  /**
   * The session's open socket, or a job failure saying why there is none. The
   * lease is checked in Redis first: a worker that just woke from a long
   * pause must not send as a session another worker has taken over.
   */
  async socket(sessionId: string): Promise<WhatsAppSession> {
    if (!this.runners.has(sessionId) && this.accepting && !this.heldBack(sessionId) && (await this.deps.placedHere?.(sessionId))) await this.start(sessionId);
    const runner = this.runners.get(sessionId);
    const socket = runner ? await runner.connectedSocket(this.deps.sendWaitMs ?? 10_000) : null;
    if (socket && runner) {
      if (await this.deps.leases.holds(runner.fence)) return socket;
      runner.abandon();
      throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" moved to another worker`);
    }
    if (runner) throw new JobFailure("SESSION_NOT_CONNECTED", `session "${sessionId}" is ${runner.state}`);
    const known = (await this.deps.redis.exists(authCredsKey(sessionId))) === 1;
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
    // Contract A's counts know no auth_unreadable: it is an error that waits for an operator.
    for (const state of this.failed.values()) c[state === "auth_unreadable" ? "error" : state]++;
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
        // Moved away while this worker was cut off: nothing to take back.
        if (this.deps.placedHere && !(await this.deps.placedHere(runner.sessionId).catch(() => false))) return;
        await this.start(runner.sessionId).catch((err: unknown) => this.deps.log.warn({ err, sessionId: runner.sessionId }, "session lease lost and not regained"));
      }),
    );
  }

  /**
   * Closes every socket, keeping auth and membership so the next start
   * resumes them; either way integrators hear each open socket close. A
   * hand-over lets the sessions reconnect at their new owners.
   */
  async shutdown(handOver: boolean): Promise<void> {
    this.accepting = false;
    const why = "the worker is stopping";
    await Promise.all([...this.runners.values()].map((r) => (handOver ? r.handOff(`${why}; the session reconnects on another worker, or here after a restart`) : r.stop("disconnected", why))));
  }
}

/** A start refused because this worker is shutting down (a draining worker is handled by placement). */
function stopping(): JobFailure {
  return new JobFailure("SESSION_NOT_CONNECTED", "this worker is stopping and takes no new sessions");
}
