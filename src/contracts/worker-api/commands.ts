import { t, type Static } from "elysia";
import { SessionId, Timestamp } from "./common.ts";
import type { SessionCommandType, WorkerCommandType } from "./vocabulary.ts";

const CommandId = t.String({ description: "Unique; a worker that sees an id twice (at-least-once delivery) must act only once", examples: ["01936f5e-8c2a-7b1e-9f4d-2c5a7e1b3d90"] });

// Typed by the vocabulary, so the table's type column (COMMAND_TYPES) and this union cannot name different commands.
const sessionCommand = <T extends SessionCommandType>(type: T, description: string) =>
  t.Object({ commandId: CommandId, type: t.Literal(type), sessionId: SessionId, issuedAt: Timestamp }, { description });
const workerCommand = <T extends WorkerCommandType>(type: T, description: string) => t.Object({ commandId: CommandId, type: t.Literal(type), issuedAt: Timestamp }, { description });

/**
 * What a heartbeat response's `data.commands` can carry. Commands are
 * delivered at least once: each stays in every heartbeat response until a
 * later heartbeat acknowledges it (see the heartbeat's `ackCommandIds`).
 */
export const Command = t.Union(
  [
    sessionCommand("START_SESSION", "Start (or resume) the session here: connect its socket; a new session produces a QR code."),
    sessionCommand("STOP_SESSION", "Disconnect the session and free its memory, keeping its auth data so it can start again, here or elsewhere."),
    sessionCommand("DELETE_SESSION", "Log the session out and delete its auth data for good."),
    workerCommand("DRAIN", "Take no new sessions and report status MAINTENANCE; the coordinator moves the current ones away."),
    workerCommand("UNDRAIN", "Addition to contract A: end a DRAIN. Report status ONLINE and take sessions again (rebalancing brings some back)."),
  ],
  { description: "A coordinator→worker command, told apart by `type`." },
);
export type Command = Static<typeof Command>;
