import { MESSAGE_EVENTS, SESSION_EVENTS, WORKER_EVENTS } from "../registry/events/catalog.ts";
import type { LedgerRow } from "../registry/events/schema.ts";

/**
 * What an integrator receives for one event, by webhook, replay or stream:
 * contract B's `{event, sessionId, timestamp (unix seconds), data}` plus
 * `eventId`, `sequence` (per session; per worker for worker events) and
 * `workerId`, which contract B consumers can ignore.
 */
interface EventEnvelope {
  event: string;
  sessionId: string | null;
  timestamp: number;
  data: Record<string, unknown>;
  eventId: string;
  sequence: number;
  workerId: string;
}

export function toEnvelope(row: LedgerRow): EventEnvelope {
  const raw = JSON.parse(row.data) as Record<string, unknown>;
  return {
    event: row.type,
    sessionId: row.sessionId,
    timestamp: Math.floor((row.occurredAt ?? row.receivedAt) / 1000),
    data: envelopeData(row, raw),
    eventId: row.eventId,
    sequence: row.sequence,
    workerId: row.workerId,
  };
}

/** The lifecycle types carry the status their name implies, so a receiver never needs contract A's names. */
function envelopeData(row: LedgerRow, raw: Record<string, unknown>): Record<string, unknown> {
  switch (row.type) {
    case "session.status": {
      const status = raw.status ?? SESSION_EVENTS.get(row.event) ?? undefined;
      return { ...raw, ...(status !== undefined && { status }), trigger: row.event };
    }
    case "messages.update":
      return { ...raw, status: raw.status ?? MESSAGE_EVENTS.get(row.event) };
    case "worker.status":
      return { ...raw, status: WORKER_EVENTS.get(row.event) };
    default:
      return raw;
  }
}
