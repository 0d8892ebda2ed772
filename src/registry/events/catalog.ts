import type { SessionStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { EventSource } from "./schema.ts";
import type { MessageStatus } from "../../contracts/worker-api/vocabulary.ts";

/**
 * Every event name the coordinator knows, what it means for the registry, and
 * the type integrators see it as. Contract B's names pass through unchanged;
 * contract A's lifecycle names are grouped under a few dotted types in the
 * same style.
 */

/** Session events and the status each implies when `data.status` is absent (null: none). */
export const SESSION_EVENTS = new Map<string, SessionStatus | null>([
  ["session_created", "created"],
  ["session_qr_ready", "qr_required"],
  ["qr_ready", "qr_required"],
  ["session_connected", "connected"],
  ["session_disconnected", "disconnected"],
  ["session_deleted", "deleted"],
  ["session_status_changed", null],
]);

/** Message status events and the status each implies when `data.status` is absent. */
export const MESSAGE_EVENTS = new Map<string, MessageStatus | null>([
  ["message_sent", "sent"],
  ["message_failed", "failed"],
  ["message_status", null],
]);

/** Worker lifecycle events (worker_offline is the coordinator's own) and the status each reports. */
export const WORKER_EVENTS = new Map<string, string>([
  ["worker_started", "started"],
  ["worker_stopping", "stopping"],
  ["worker_error", "error"],
  ["worker_offline", "offline"],
]);

/** Baileys-style events a worker forwards as they are; all belong to a session. */
export const PASSTHROUGH_EVENTS = new Set(["messages.upsert", "connection.update", "messages.reaction", "poll.vote", "group-participants.update"]);

/** The types an integrator receives (webhooks, replay, stream). Unknown worker events keep their own name. */
export const EVENT_TYPES = [
  "messages.upsert",
  "connection.update",
  "messages.update",
  "messages.reaction",
  "poll.vote",
  "group-participants.update",
  "session.status",
  "message.received",
  "worker.status",
] as const;

/**
 * The type of a stored event integrators never receive: a lifecycle event that repeats a session-status
 * report (see contract A's `statusEventId`). Rows from before event types existed read the same.
 */
export const UNPUBLISHED_TYPE = "";

/** The integrator-facing type of a stored event. */
export function eventType(source: EventSource, event: string): string {
  if (source === "session-status" || SESSION_EVENTS.has(event)) return "session.status";
  if (source === "message-status" || MESSAGE_EVENTS.has(event)) return "messages.update";
  if (WORKER_EVENTS.has(event)) return "worker.status";
  if (event === "message_received") return "message.received";
  return event;
}
