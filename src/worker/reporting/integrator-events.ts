import type { SessionChange, TrafficEvent } from "./reporter.ts";

/** An integrator-facing event: contract B's `event` name and `data`. */
export interface IntegratorEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * contract B's `connection.update` for a session change, or null when the
 * change says nothing about the connection (e.g. `created`).
 */
export function connectionUpdate(change: SessionChange): IntegratorEvent | null {
  switch (change.kind) {
    case "qr":
      return { event: "connection.update", data: { connection: "connecting", qr: change.qr } };
    case "pairing_code":
      return { event: "connection.update", data: { connection: "connecting", pairingCode: change.code } };
    case "connected":
      return { event: "connection.update", data: { connection: "open" } };
    case "status":
      if (change.disconnect) return { event: "connection.update", data: { connection: "close", lastDisconnect: change.disconnect, status: change.status } };
      if (change.status === "connecting" || change.status === "reconnecting") return { event: "connection.update", data: { connection: "connecting" } };
      return null;
    case "created":
      return null;
  }
}

/**
 * WhatsApp traffic under the integrator names: contract B's `messages.upsert`
 * in its exact shape, and the same envelope for the rest.
 */
export function trafficEvent(event: TrafficEvent): IntegratorEvent {
  switch (event.type) {
    case "messages":
      return { event: "messages.upsert", data: { messages: event.messages, type: event.upsertType } };
    case "message_status": {
      const { type: _type, ...data } = event;
      return { event: "messages.update", data };
    }
    case "reaction": {
      const { type: _type, ...data } = event;
      return { event: "messages.reaction", data };
    }
    case "poll_vote": {
      const { type: _type, ...data } = event;
      return { event: "poll.vote", data };
    }
    case "group_participants": {
      const { type: _type, ...data } = event;
      return { event: "group-participants.update", data };
    }
  }
}
