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

interface JobRouterDeps {
  connection: Redis;
  placement: PlacementService;
  workers: WorkerDirectory;
  results: JobResultStore;
  concurrency: number;
  log: Logger;
}

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
      for (let hop = 0; ; hop++) {
        const target = await this.targetFor(valid);
        const data: RoutedJobData = { parentId, payload: job.data, attempt, maxAttempts: job.opts.attempts ?? 1, enqueuedAt: job.timestamp, redelivery };
        const lane = this.lane(target);
        const child = await lane.queue.add(job.name, data, { jobId: `${parentId}-a${attempt}-h${hop}`, attempts: 1, removeOnComplete: true, removeOnFail: { age: FAILED_CHILD_AGE_S } });
        const outcome = await this.settle(child, target, sessionId, lane);
        if (outcome.kind === "completed") return outcome.value;
        if (outcome.kind === "failed") throw failure(outcome.reason);
        if (outcome.mayHaveRun) redelivery++;
        this.deps.log.info({ jobId: parentId, sessionId, from: target, redelivery }, "job follows its session to another worker");
      }
    } finally {
      // STOP and DELETE take the session off its worker once they ran there (before, the worker would hand it on quietly).
      if (ends) await this.deps.placement.unplace(sessionId, "stop");
    }
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
