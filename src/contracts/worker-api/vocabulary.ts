/*
 * Contract A's words for states: what a worker reports and the coordinator stores. The tables
 * (drizzle schemas) and the HTTP schemas both take them from here, so this module imports nothing.
 */

/** What the coordinator asks a worker to do about one session (a heartbeat response's `data.commands[].type`)... */
const SESSION_COMMAND_TYPES = ["START_SESSION", "STOP_SESSION", "DELETE_SESSION"] as const;
export type SessionCommandType = (typeof SESSION_COMMAND_TYPES)[number];
/** ...and about the worker itself. */
const WORKER_COMMAND_TYPES = ["DRAIN", "UNDRAIN"] as const;
export type WorkerCommandType = (typeof WORKER_COMMAND_TYPES)[number];
export const COMMAND_TYPES = [...SESSION_COMMAND_TYPES, ...WORKER_COMMAND_TYPES] as const;

/** A worker's own status (contract A's register and heartbeat `status`). */
export const WORKER_STATUSES = ["ONLINE", "OFFLINE", "MAINTENANCE"] as const;
type WorkerStatus = (typeof WORKER_STATUSES)[number];
/** A live worker takes sessions or is drained; OFFLINE is the coordinator's verdict on a silent one. */
export type LiveWorkerStatus = Exclude<WorkerStatus, "OFFLINE">;
/** Where a worker runs (contract A's `environment`). */
export const ENVIRONMENTS = ["DEVELOPMENT", "STAGING", "TESTING", "PRODUCTION"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Where a WhatsApp session stands, as the coordinator knows it. The first five
 * are the states contract A's heartbeat counts; the rest are lifecycle states
 * the API and dashboard show.
 */
export const SESSION_STATUSES = [
  "connected",
  "disconnected",
  "qr_required",
  "reconnecting",
  "error",
  "created",
  "connecting",
  "pairing_code",
  "pending_capacity",
  "stopped",
  "logged_out",
  /** The stored auth state cannot be decrypted (AUTH_STATE_KEY changed): it waits for the right key, or DELETE and a new link. */
  "auth_unreadable",
  "deleted",
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** An outgoing message's status (contract A's message-status webhook; `pending` until the first report). */
export const MESSAGE_STATUSES = ["pending", "sent", "delivered", "read", "played", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
