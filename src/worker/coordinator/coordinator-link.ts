import { Value } from "@sinclair/typebox/value";
import type { Static } from "elysia";
import { Command } from "../../contracts/worker-api/commands.ts";
import type { LiveWorkerStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { RegisterBody } from "../../contracts/worker-api/workers.ts";
import type { Logger } from "../../platform/logger.ts";
import { CoordinatorError, type CoordinatorClient } from "./coordinator-client.ts";
import { ProcessMetrics } from "./process-metrics.ts";
import type { SessionCounts } from "../sessions/session-host.ts";

interface CoordinatorLinkDeps {
  client: CoordinatorClient;
  registration: Static<typeof RegisterBody>;
  intervalMs: number;
  counts(): SessionCounts;
  messageCount(): number;
  /** Runs a command; resolves when acted on (done or failed for good). */
  execute(command: Command): Promise<void>;
  /** Sessions the coordinator assigns at registration. */
  onAssigned(sessionIds: string[]): void;
  log: Logger;
}

const MAX_BACKOFF_MS = 30_000;
/** Ids of commands already acted on, kept so a redelivered command is acknowledged, not run twice. */
const REMEMBERED_COMMANDS = 1000;

/**
 * The worker's standing with the coordinator (contract A): register, then
 * heartbeat every interval with real figures, running the commands each
 * answer carries and acknowledging them in the next heartbeat. If the
 * coordinator is unreachable it keeps trying with capped, jittered backoff;
 * the sessions run on meanwhile. A 404 (the coordinator forgot this worker,
 * e.g. it was marked offline) leads to a new registration.
 */
export class CoordinatorLink {
  private registered = false;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private readonly metrics = new ProcessMetrics();
  private readonly done = new Set<string>();
  private readonly inFlight = new Set<string>();
  private acks: string[] = [];
  private loop: Promise<void> = Promise.resolve();
  status: LiveWorkerStatus = "ONLINE";

  constructor(private readonly deps: CoordinatorLinkDeps) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Registers again at the next tick (the coordinator answered 404 for this worker). */
  reRegister(): void {
    if (!this.registered) return;
    this.registered = false;
    this.schedule(0);
  }

  /**
   * Heartbeats now with `status`, out of turn, and waits (at most
   * `timeoutMs`) for the answer: a stopping worker says MAINTENANCE first so
   * the coordinator places its sessions elsewhere before they close here.
   */
  async announce(status: LiveWorkerStatus, timeoutMs: number): Promise<boolean> {
    this.status = status;
    if (!this.registered) return false;
    const sent = this.loop.then(() => this.heartbeat()).then(
      () => true,
      (err: unknown) => {
        this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not tell the coordinator; it will learn from the leases");
        return false;
      },
    );
    this.loop = sent.then(() => undefined);
    return Promise.race([sent, Bun.sleep(timeoutMs).then(() => false)]);
  }

  /** Stops heartbeating and unregisters (best effort: the coordinator may be gone). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.loop;
    if (!this.registered) return;
    await this.deps.client.unregister(this.deps.registration.workerId).catch((err: unknown) => this.deps.log.warn({ err: String(err) }, "could not unregister from the coordinator"));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.loop = this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      if (!this.registered) await this.register();
      else await this.heartbeat();
      this.failures = 0;
      this.schedule(this.deps.intervalMs);
    } catch (err) {
      if (err instanceof CoordinatorError && err.is("WORKER_NOT_FOUND")) this.registered = false;
      this.failures++;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 8), this.registered ? this.deps.intervalMs : MAX_BACKOFF_MS);
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: Math.round(delay) }, this.registered ? "heartbeat failed; sessions keep running" : "cannot register with the coordinator; retrying");
      this.schedule(delay * (0.5 + Math.random() / 2));
    }
  }

  private async register(): Promise<void> {
    const { assignedSessions } = await this.deps.client.register({ ...this.deps.registration, status: this.status, timestamp: new Date().toISOString() });
    this.registered = true;
    this.deps.log.info({ workerId: this.deps.registration.workerId, assignedSessions: assignedSessions.length }, "registered with the coordinator");
    this.deps.onAssigned(assignedSessions);
  }

  private async heartbeat(): Promise<void> {
    const acks = this.acks;
    const { commands } = await this.deps.client.heartbeat(this.deps.registration.workerId, {
      status: this.status,
      ...this.metrics.sample(),
      messageCount: this.deps.messageCount(),
      sessions: this.deps.counts(),
      timestamp: new Date().toISOString(),
      ackCommandIds: acks,
    });
    this.acks = this.acks.filter((id) => !acks.includes(id));
    for (const command of commands) {
      if (Value.Check(Command, command)) this.handle(command);
      else this.ignore(command);
    }
  }

  /**
   * A command this worker does not know (or a malformed one): never guessed at (it once fell through to a
   * delete). Logged once and acknowledged, so the coordinator stops sending it.
   */
  private ignore(command: unknown): void {
    const id = typeof command === "object" && command !== null && "commandId" in command && typeof command.commandId === "string" ? command.commandId : undefined;
    if (id !== undefined && this.done.has(id)) {
      if (!this.acks.includes(id)) this.acks.push(id);
      return;
    }
    this.deps.log.warn({ command }, "ignoring a coordinator command this worker does not understand");
    if (id === undefined) return;
    this.done.add(id);
    this.acks.push(id);
  }

  private handle(command: Command): void {
    const id = command.commandId;
    if (this.done.has(id)) {
      // Acted on already; the acknowledgement got lost. Acknowledge again.
      if (!this.acks.includes(id)) this.acks.push(id);
      return;
    }
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    if (command.type === "DRAIN") this.status = "MAINTENANCE";
    if (command.type === "UNDRAIN") this.status = "ONLINE";
    this.deps
      .execute(command)
      .catch((err: unknown) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err), command: command.type }, "a coordinator command failed"))
      .finally(() => {
        this.inFlight.delete(id);
        this.done.add(id);
        if (this.done.size > REMEMBERED_COMMANDS) this.done.delete(this.done.values().next().value as string);
        this.acks.push(id);
      });
  }
}
