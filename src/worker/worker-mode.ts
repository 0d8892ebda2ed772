import type { Command } from "../contracts/worker-api/commands.ts";
import type { Logger } from "../platform/logger.ts";
import type { DurableOutbox, DurableOutboxOptions } from "./reporting/durable-outbox.ts";
import type { Reporter } from "./reporting/reporter.ts";
import type { SessionHost } from "./sessions/session-host.ts";

/**
 * What makes a worker coordinated (contract A: a coordinator places sessions and routes jobs here) or
 * standalone (contract A's "Standalone Mode": it consumes contract B's queue itself and reports by
 * webhook). The worker (index.ts) is the same engine either way; each role composes it with its mode
 * (src/roles/worker, src/roles/standalone).
 */
export interface WorkerMode {
  readonly name: "coordinated" | "standalone";
  /** The BullMQ queue this worker consumes. */
  readonly queueName: string;
  /** Where the durable outbox delivers reports, and how it retries them. */
  readonly outbox: Pick<DurableOutboxOptions, "name" | "deliver" | "retry">;
  reporter(outbox: DurableOutbox): Reporter;
  /** Whether a session may run here, when the mode decides (coordinated: the coordinator's placement). */
  readonly placedHere?: (sessionId: string) => Promise<boolean>;
  /** Once the session host exists: what the mode runs beside it. */
  attach(host: SessionHost, context: ModeContext): ModeRuntime;
}

interface ModeContext {
  readonly instanceId: string;
  readonly leaseTtlMs: number;
  /** Runs a coordinator command against the host (coordinated only). */
  readonly execute: (command: Command) => Promise<void>;
  readonly resume: (sessionIds: string[]) => void;
  readonly log: Logger;
}

interface ModeRuntime {
  /** With every lease renewal: the coordinated worker's liveness key. */
  renew(): Promise<void>;
  /** After the job consumer is ready: resume sessions, follow placements, register. */
  start(): Promise<void>;
  /** Before sessions close on shutdown: stop taking placements, tell the coordinator. */
  beforeShutdown(): Promise<void>;
  /** Sessions hand over (coordinated: their new owners wait for the leases) rather than just stop. */
  readonly handOverOnShutdown: boolean;
  /** Last: unregister, drop the liveness key. */
  afterShutdown(): Promise<void>;
}
