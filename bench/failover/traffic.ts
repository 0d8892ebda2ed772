import type { WorkerWorld } from "../../tests/worker/support/worker-world.ts";
import { pool } from "../support/pool.ts";

/** One SEND_TEXT the traffic submitted through the API. */
export interface Submission {
  sessionId: string;
  /** The recipient's phone number at the simulator. */
  toPhone: string;
  text: string;
  submittedAt: number;
  /** Undefined when the API refused it (then `refusal` says why). */
  jobId?: string;
  refusal?: string;
}

/** A submission's outcome, from GET /api/v1/jobs/:id. */
export interface Outcome {
  submission: Submission;
  state: "completed" | "failed" | "unsettled";
  attemptsMade: number;
  redelivery: number;
  failedReason?: string;
  messageId?: string;
}

/** What became of every submission, and what the recipients' phones got. */
export interface Tally {
  submitted: number;
  refused: number;
  completed: number;
  failed: number;
  /** Neither completed nor failed when the wait ran out. */
  unsettled: number;
  /** Completed, but the recipient's phone never got the message: lost after all. */
  missingAtPhone: number;
  /** Completed attempts that ran on a second worker after the first died with them. */
  redelivered: number;
  /** Completed, but not at the first attempt (an earlier one failed, e.g. the session was between workers). */
  retried: number;
  /** Messages the recipient's phone got more than once (a redelivered attempt that had run already). */
  duplicatesAtPhone: number;
  failures: Map<string, number>;
  /** Submit → the recipient's phone received it, ms, ascending. */
  latencies: number[];
}

/**
 * Steady SEND_TEXT traffic through the integrator API: `perSecond` texts a
 * second, round robin over the sessions added so far, each to its own
 * simulated contact and each text unique, so every one can be found (and
 * counted) on the recipient's phone afterwards.
 */
export class Traffic {
  readonly submissions: Submission[] = [];
  private readonly targets: { sessionId: string; toPhone: string; toJid: string }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly world: WorkerWorld,
    private readonly perSecond: number,
  ) {}

  add(sessionId: string, to: { phone: string; jid: string }): void {
    this.targets.push({ sessionId, toPhone: to.phone, toJid: to.jid });
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops submitting and waits for the submissions under way to be answered. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    const gapMs = 1000 / this.perSecond;
    const started = performance.now();
    for (let n = 0; this.running; n++) {
      const target = this.targets[n % this.targets.length];
      if (target) this.send(target);
      // A fixed schedule, so a slow answer does not lower the rate.
      await Bun.sleep(Math.max(0, started + (n + 1) * gapMs - performance.now()));
    }
  }

  /** One text from each of these sessions at once, on top of the steady rate: jobs in flight at a kill. */
  burst(sessionIds: readonly string[]): void {
    for (const target of this.targets) if (sessionIds.includes(target.sessionId)) this.send(target);
  }

  private send(target: { sessionId: string; toPhone: string; toJid: string }): void {
    const submission: Submission = { sessionId: target.sessionId, toPhone: target.toPhone, text: `failover-bench ${this.submissions.length} from ${target.sessionId}`, submittedAt: Date.now() };
    this.submissions.push(submission);
    const request = this.submit(submission, target.toJid).finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private async submit(submission: Submission, toJid: string): Promise<void> {
    try {
      const reply = await this.world.api<{ jobId: string }>("POST", `/api/v1/sessions/${submission.sessionId}/messages/text`, { to: toJid, text: submission.text });
      if (reply.status === 202) submission.jobId = reply.body.data.jobId;
      else submission.refusal = `${reply.status} ${reply.body.code ?? ""}`;
    } catch (err) {
      submission.refusal = err instanceof Error ? err.message : String(err);
    }
  }

  /** Waits until every accepted job completed or failed (or `timeoutMs` passed), and reads each outcome. */
  async settle(timeoutMs: number): Promise<Outcome[]> {
    const accepted = this.submissions.filter((s) => s.jobId !== undefined);
    const outcomes: Outcome[] = new Array(accepted.length);
    const deadline = Date.now() + timeoutMs;
    await pool(0, accepted.length, 16, async (i) => {
      const submission = accepted[i]!;
      for (;;) {
        const job = (await this.world.api<Record<string, unknown>>("GET", `/api/v1/jobs/${submission.jobId}`)).body.data;
        const state = job?.state;
        if (state === "completed" || state === "failed" || Date.now() > deadline) {
          outcomes[i] = {
            submission,
            state: state === "completed" || state === "failed" ? state : "unsettled",
            attemptsMade: Number(job?.attemptsMade ?? 0),
            redelivery: Number(job?.redelivery ?? 0),
            ...(typeof job?.failedReason === "string" && { failedReason: job.failedReason }),
            ...(state === "completed" && { messageId: (job?.result as { messageId?: string } | undefined)?.messageId }),
          };
          return;
        }
        await Bun.sleep(200);
      }
    });
    return outcomes;
  }

  /** Counts the outcomes and checks each completed message against its recipient's phone. */
  tally(outcomes: Outcome[]): Tally {
    const received = new Map<string, { receivedAt: number; count: number }>();
    const ids = new Set<string>();
    for (const phone of new Set(this.targets.map((t) => t.toPhone))) {
      for (const entry of this.world.sim.control.inbox(phone)) {
        ids.add(entry.id);
        const text = entry.message.conversation ?? entry.message.extendedTextMessage?.text ?? "";
        const seen = received.get(text);
        if (seen) seen.count++;
        else received.set(text, { receivedAt: entry.receivedAt, count: 1 });
      }
    }
    const failures = new Map<string, number>();
    const tally: Tally = { submitted: this.submissions.length, refused: 0, completed: 0, failed: 0, unsettled: 0, missingAtPhone: 0, redelivered: 0, retried: 0, duplicatesAtPhone: 0, failures, latencies: [] };
    tally.refused = this.submissions.filter((s) => s.jobId === undefined).length;
    for (const o of outcomes) {
      const got = received.get(o.submission.text);
      if (got && got.count > 1) tally.duplicatesAtPhone++;
      if (o.redelivery > 0) tally.redelivered++;
      if (o.state === "completed") {
        tally.completed++;
        if (o.attemptsMade > 1) tally.retried++;
        // The message the job's result names: a redelivery that ran twice leaves an earlier copy too.
        if (got && o.messageId !== undefined && ids.has(o.messageId)) tally.latencies.push(got.receivedAt - o.submission.submittedAt);
        else tally.missingAtPhone++;
      } else if (o.state === "failed") {
        tally.failed++;
        const reason = (o.failedReason ?? "no reason").replace(/"[^"]*"/g, '"…"');
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      } else tally.unsettled++;
    }
    tally.latencies.sort((a, b) => a - b);
    return tally;
  }
}
