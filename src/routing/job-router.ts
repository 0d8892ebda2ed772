import { Job, Queue, QueueEvents, UnrecoverableError, Worker as BullWorker } from "bullmq";
import type { Redis } from "ioredis";
import { workerQueueName } from "../cluster/names.ts";
import type { RoutedJobData } from "../cluster/routed-job.ts";
import { failureCode, formatFailure, JOB_FAILURES, QUEUE_NAME, type ContractJob } from "../contracts/jobs/index.ts";
import { admit } from "../job-consumer/intake.ts";
import type { JobResultStore } from "../job-consumer/result-store.ts";
import { KeyedSerializer } from "../platform/keyed-serializer.ts";
import type { Logger } from "../platform/logger.ts";
import type { PlacementService, WorkerDirectory } from "../placement/service.ts";
import type { SessionStore } from "../sessions/session-store.ts";

interface JobRouterDeps {
  connection: Redis;
  placement: PlacementService;
  workers: WorkerDirectory;
  results: JobResultStore;
  concurrency: number;
  /** The coordinator's view of each session's status: whether it is coming back. */
  sessions: Pick<SessionStore, "get">;
  /** JOB_SESSION_WAIT: the longest a job waits for its session to come back. */
  sessionWaitMs: number;
  log: Logger;
}

/**
 * Statuses of a session that is on its way back (or that the coordinator still believes up): a job
 * that finds it not connected waits for it. Any other (stopped, logged out, needs a QR, failed) fails
 * the job at once, as contract B says.
 */
const COMING_BACK = new Set(["reconnecting", "connecting", "connected", "pending_capacity"]);
/** The first pause of a job waiting for its session; it doubles up to WAIT_MAX_PAUSE_MS. */
const WAIT_FIRST_PAUSE_MS = 250;
const WAIT_MAX_PAUSE_MS = 4000;

/** One worker's queue, and the finished-job notices from it, dispatched to the waits by job id. */
interface Lane {
  queue: Queue;
  events: QueueEvents;
  waiting: Map<string, (outcome: Outcome) => void>;
}

type Outcome = { kind: "completed"; value: unknown } | { kind: "failed"; reason: string } | { kind: "moved"; mayHaveRun: boolean };

/** How often a wait checks that the worker holding the job is still alive (placement changes wake it sooner). */
const RECHECK_MS = 5000;
/** Kept so a coordinator that restarts mid-wait finds the failure again. */
const FAILED_CHILD_AGE_S = 3600;

/**
 * The only consumer of `whatsapp-jobs` when a coordinator runs. Each job,
 * whoever added it, is checked against contract B and handed to the worker
 * the session is placed on, through that worker's own BullMQ queue; the job
 * stays active here until the worker finished it, and ends with its result
 * or failure. A session's jobs go one at a time, in order, so at most one
 * job per session is ever on a worker: when the session moves, only that
 * one needs moving. A job still waiting on the old worker's queue is taken
 * back and handed on; one the old worker was running when it died is handed
 * on as a redelivery (it may have run: at least once).
 */
export class JobRouter {
  private readonly order = new KeyedSerializer();
  private readonly lanes = new Map<string, Lane>();
  private consumer: BullWorker | undefined;

  constructor(private readonly deps: JobRouterDeps) {}

  start(): void {
    this.consumer = new BullWorker(QUEUE_NAME, (job) => this.process(job), {
      connection: this.deps.connection.duplicate(),
      concurrency: this.deps.concurrency,
      // A job held here waits for a worker; it stalls only if this coordinator dies, and that is no reason to fail it.
      maxStalledCount: 1000,
      stalledInterval: 5000,
      lockDuration: 15_000,
    });
    this.consumer.on("error", (err) => this.deps.log.error({ err }, "job router error"));
  }

  async stop(): Promise<void> {
    await this.consumer?.close(true);
    await Promise.all([...this.lanes.values()].map(async ({ queue, events }) => Promise.all([events.close(), queue.close()])));
    this.lanes.clear();
  }

  private process(job: Job): Promise<unknown> {
    const valid = admit(job.name, job.data, job.id, this.deps.log);
    return this.order.run(valid.data.sessionId, () => this.route(job, valid));
  }

  private async route(job: Job, valid: ContractJob): Promise<unknown> {
    const parentId = job.id ?? "";
    const attempt = job.attemptsMade + 1;
    // This coordinator may have restarted after a worker finished this attempt: its result is kept.
    const earlier = await this.deps.results.get(parentId);
    if (earlier && earlier.attemptsMade === attempt) return earlier.result;

    const sessionId = valid.data.sessionId;
    const ends = valid.name === "STOP_SESSION" || valid.name === "DELETE_SESSION";
    try {
      let redelivery = 0;
      const wait = { since: undefined as number | undefined, pauses: 0 };
      for (let hop = 0; ; hop++) {
        let target: string;
        try {
          target = await this.targetFor(valid);
        } catch (err) {
          if (err instanceof UnrecoverableError || !(err instanceof Error)) throw err;
          await this.waitForSession(sessionId, err.message, wait, parentId);
          continue;
        }
        const data: RoutedJobData = { parentId, payload: job.data, attempt, maxAttempts: job.opts.attempts ?? 1, enqueuedAt: job.timestamp, redelivery };
        const lane = this.lane(target);
        const child = await lane.queue.add(job.name, data, { jobId: `${parentId}-a${attempt}-h${hop}`, attempts: 1, removeOnComplete: true, removeOnFail: { age: FAILED_CHILD_AGE_S } });
        const outcome = await this.settle(child, target, sessionId, lane);
        if (outcome.kind === "completed") return outcome.value;
        if (outcome.kind === "failed") {
          if (failureCode(outcome.reason) !== "SESSION_NOT_CONNECTED") throw failure(outcome.reason);
          // Waiting spends no attempt: the same attempt goes out again as the next hop.
          await this.waitForSession(sessionId, outcome.reason, wait, parentId);
          continue;
        }
        wait.since = undefined;
        if (outcome.mayHaveRun) redelivery++;
        this.deps.log.info({ jobId: parentId, sessionId, from: target, redelivery }, "job follows its session to another worker");
      }
    } finally {
      // STOP and DELETE take the session off its worker once they ran there (before, the worker would hand it on quietly).
      if (ends) await this.deps.placement.unplace(sessionId, "stop");
    }
  }

  /**
   * A job found its session not connected (`reason`): if the session is coming back and the job has not
   * waited JOB_SESSION_WAIT yet, pauses (until the session's placement changes, or a backoff) so the
   * caller tries again; otherwise throws the job's failure. The per-session order holds meanwhile: the
   * session's later jobs wait behind this one.
   */
  private async waitForSession(sessionId: string, reason: string, wait: { since: number | undefined; pauses: number }, jobId: string): Promise<void> {
    const status = this.deps.sessions.get(sessionId)?.status;
    const comingBack = (status !== undefined && COMING_BACK.has(status)) || this.deps.placement.isPending(sessionId);
    if (!comingBack) throw failure(reason);
    const now = Date.now();
    if (wait.since === undefined) {
      wait.since = now;
      this.deps.log.info({ jobId, sessionId, status, reason }, "job waits for its session to come back");
    }
    const waited = now - wait.since;
    if (waited >= this.deps.sessionWaitMs) {
      throw new UnrecoverableError(formatFailure("SESSION_NOT_CONNECTED", `waited ${Math.round(waited / 1000)} s (JOB_SESSION_WAIT) for session "${sessionId}" (${status ?? "unplaced"}) to come back; last: ${reason}`));
    }
    const pause = Math.min(WAIT_MAX_PAUSE_MS, WAIT_FIRST_PAUSE_MS * 2 ** wait.pauses++, this.deps.sessionWaitMs - waited);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop();
        resolve();
      };
      const timer = setTimeout(done, pause);
      const stop = this.deps.placement.watch(sessionId, done);
    });
  }

  /** The worker that must run the job: placing the session first for a START_SESSION. */
  private async targetFor(job: ContractJob): Promise<string> {
    const sessionId = job.data.sessionId;
    if (job.name === "START_SESSION") {
      for (;;) {
        const placed = (await this.deps.placement.placeForStart(sessionId)) ?? (await this.placedSoon(sessionId));
        if (placed !== undefined) return placed;
        if (!this.deps.placement.isPending(sessionId)) throw new UnrecoverableError(formatFailure("SESSION_NOT_CONNECTED", "the session was stopped while it waited for a worker with room"));
      }
    }
    const owner = this.deps.placement.where(sessionId);
    if (owner !== undefined) return owner;
    // Not placed (stopped, ended, never started): any live worker gives the right answer
    // (SESSION_NOT_FOUND or SESSION_NOT_CONNECTED, and the message_failed report).
    const any = this.deps.workers.all().find((w) => w.unregisteredAt === null && w.status !== "OFFLINE");
    if (!any) throw new Error(formatFailure("SESSION_NOT_CONNECTED", "no worker is running"));
    return any.id;
  }

  /** Resolves at the session's next placement change: its worker, or undefined if it is still not placed. */
  private placedSoon(sessionId: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const stop = this.deps.placement.watch(sessionId, () => {
        stop();
        resolve(this.deps.placement.where(sessionId));
      });
      // Placed between the caller's look and this watch: no change would come.
      const now = this.deps.placement.where(sessionId);
      if (now !== undefined) {
        stop();
        resolve(now);
      }
    });
  }

  /**
   * Waits for the worker's verdict on the job, or for the session to leave
   * that worker: then the job is taken back if it did not start, or given
   * up on (and redelivered) if its worker died running it. A live worker
   * finishes what it runs before it lets the session go.
   */
  private settle(child: Job, target: string, sessionId: string, lane: Lane): Promise<Outcome> {
    const id = child.id ?? "";
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const done = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        if (lane.waiting.get(id) === done) lane.waiting.delete(id);
        unwatch();
        clearInterval(recheck);
        resolve(outcome);
      };
      lane.waiting.set(id, done);
      const review = () => void this.review(child, target, sessionId, lane).then((o) => o && done(o), (err: unknown) => this.deps.log.warn({ err, jobId: id }, "could not check a routed job"));
      const unwatch = this.deps.placement.watch(sessionId, review);
      const recheck = setInterval(review, RECHECK_MS);
      // It may have finished before the listeners were in place.
      void lane.events.waitUntilReady().then(review);
    });
  }

  private async review(child: Job, target: string, sessionId: string, lane: Lane): Promise<Outcome | undefined> {
    const state = await child.getState();
    if (state === "failed") {
      const fresh = await Job.fromId(lane.queue, child.id ?? "");
      return { kind: "failed", reason: fresh?.failedReason ?? "the job failed" };
    }
    if (state === "unknown") {
      // Completed and removed (contract B keeps no completed jobs): the worker kept its result.
      const kept = await this.deps.results.get((child.data as RoutedJobData).parentId);
      if (kept && kept.attemptsMade === (child.data as RoutedJobData).attempt) return { kind: "completed", value: kept.result };
      return { kind: "failed", reason: formatFailure("WHATSAPP_ERROR", "the worker's copy of the job vanished without a result") };
    }
    const now = this.deps.placement.where(sessionId);
    // Still placed there (a dead worker's sessions are moved by the failover, which wakes this wait),
    // or waiting for capacity (the placement, when it comes, wakes it too).
    if (now === target || now === undefined) return undefined;
    const worker = this.deps.workers.get(target);
    const targetAlive = worker !== undefined && worker.unregisteredAt === null && worker.status !== "OFFLINE";
    if (state !== "active") {
      // Not started: take it back. If the worker picked it up meanwhile, removal fails and we keep waiting.
      const removed = await child.remove().then(() => true, () => false);
      return removed ? { kind: "moved", mayHaveRun: false } : undefined;
    }
    return targetAlive ? undefined : { kind: "moved", mayHaveRun: true };
  }

  private lane(workerId: string): Lane {
    let lane = this.lanes.get(workerId);
    if (!lane) {
      const name = workerQueueName(workerId);
      const waiting = new Map<string, (outcome: Outcome) => void>();
      const events = new QueueEvents(name, { connection: this.deps.connection.duplicate() });
      events.on("completed", ({ jobId, returnvalue }) => waiting.get(jobId)?.({ kind: "completed", value: returnvalue }));
      events.on("failed", ({ jobId, failedReason }) => waiting.get(jobId)?.({ kind: "failed", reason: failedReason }));
      events.on("error", (err) => this.deps.log.warn({ err, workerId }, "worker queue events error"));
      lane = { queue: new Queue(name, { connection: this.deps.connection }), events, waiting };
      this.lanes.set(workerId, lane);
    }
    return lane;
  }
}

/** A worker's failure, passed on: permanent ones end the job now, the rest use its remaining attempts. */
function failure(reason: string): Error {
  const code = failureCode(reason);
  return code !== null && JOB_FAILURES[code].permanent ? new UnrecoverableError(reason) : new Error(reason);
}
