import type { MessageResult } from "../../contracts/jobs/index.ts";
import type { Logger } from "../../platform/logger.ts";
import { CoordinatorError, type CoordinatorClient } from "../coordinator/coordinator-client.ts";
import type { DeliveryOutcome, DurableOutbox, OutboxItem } from "./durable-outbox.ts";
import { connectionUpdate, trafficEvent } from "./integrator-events.ts";
import type { Reporter, SessionChange, TrafficEvent, WorkerLifecycle } from "./reporter.ts";

/** contract A's lifecycle event for each session change. */
function lifecycleEvent(change: SessionChange): string {
  switch (change.kind) {
    case "created":
      return "session_created";
    case "qr":
      return "session_qr_ready";
    case "connected":
      return "session_connected";
    case "pairing_code":
      return "session_status_changed";
    case "status":
      if (change.status === "deleted") return "session_deleted";
      return change.disconnect || ["disconnected", "error", "logged_out", "stopped", "auth_unreadable"].includes(change.status) ? "session_disconnected" : "session_status_changed";
  }
}

/** contract A's session-status webhook `event` and `data` for a change. */
function sessionStatus(change: Exclude<SessionChange, { kind: "created" }>): { event: string; data: Record<string, unknown> } {
  switch (change.kind) {
    case "qr":
      return { event: "qr_ready", data: { status: "qr_required", qrCode: change.qrCode, qrString: change.qr, qrExpiresAt: new Date(change.expiresAt).toISOString() } };
    case "pairing_code":
      return { event: "session_status_changed", data: { status: "pairing_code", pairingCode: change.code } };
    case "connected":
      return { event: "session_connected", data: { status: "connected", phoneNumber: `+${change.phoneNumber}` } };
    case "status":
      return { event: "session_status_changed", data: { status: change.status, ...(change.error && { error: change.error }) } };
  }
}

const STATUS_TIME = { sent: "sentAt", delivered: "deliveredAt", read: "readAt", played: "playedAt", failed: "failedAt" } as const;

/**
 * Reports over contract A, through the durable outbox: session changes to the
 * session-status webhook plus the lifecycle event, message statuses to the
 * message-status webhook, and WhatsApp traffic (contract B's integrator
 * events) to the events endpoint, where the coordinator's ledger takes them.
 * Every body carries a fresh `eventId`, so a redelivery is recognised.
 */
export class CoordinatorReporter implements Reporter {
  private readonly eventsPath: string;

  constructor(
    private readonly outbox: DurableOutbox,
    private readonly workerId: string,
    private readonly log: Logger,
  ) {
    this.eventsPath = `/api/v1/workers/${encodeURIComponent(workerId)}/events`;
  }

  session(sessionId: string, change: SessionChange, epoch?: number): void {
    // connection.update first: the coordinator also reads a status from it, and the more precise
    // session-status report that follows (pairing_code, reconnecting, error) must have the last word.
    const update = connectionUpdate(change);
    const fenced = epoch === undefined ? {} : { epoch };
    if (update) this.queue(sessionId, this.eventsPath, { event: update.event, sessionId, data: update.data, ...fenced });
    let statusEventId: string | undefined;
    if (change.kind !== "created") {
      const { event, data } = sessionStatus(change);
      statusEventId = this.queue(sessionId, "/api/v1/webhooks/session-status", { event, sessionId, data, ...fenced });
    }
    // The lifecycle event reports the same change again (contract A wants both): it names the webhook's
    // eventId so the coordinator publishes the change to integrators once.
    const status = change.kind === "status" ? { status: change.status, ...(change.error && { error: change.error }) } : {};
    const data = change.kind === "connected" ? { status: "connected", phoneNumber: `+${change.phoneNumber}` } : status;
    this.queue(sessionId, this.eventsPath, { event: lifecycleEvent(change), sessionId, data, ...fenced, ...(statusEventId && { statusEventId }) });
  }

  traffic(sessionId: string, event: TrafficEvent, epoch?: number): void {
    const fenced = epoch === undefined ? {} : { epoch };
    if (event.type === "message_status") {
      const data = { messageId: event.messageId, status: event.status, to: event.participant ?? event.remoteJid, [STATUS_TIME[event.status]]: new Date(event.at).toISOString(), ...(event.error && { error: event.error }) };
      this.queue(sessionId, "/api/v1/webhooks/message-status", { event: "message_status", sessionId, data, ...fenced });
      return;
    }
    const { event: name, data } = trafficEvent(event);
    this.queue(sessionId, this.eventsPath, { event: name, sessionId, data, ...fenced });
    if (event.type !== "messages" || event.upsertType !== "notify") return;
    for (const m of event.messages) {
      if (!m.key.fromMe) this.queue(sessionId, this.eventsPath, { event: "message_received", sessionId, data: { messageId: m.key.id, from: m.key.participant ?? m.key.remoteJid, ...(m.pushName && { pushName: m.pushName }) }, ...fenced });
    }
  }

  messageSent(sessionId: string, sent: MessageResult, jobId: string): void {
    this.queue(sessionId, this.eventsPath, { event: "message_sent", sessionId, data: { messageId: sent.messageId, to: sent.to, status: "sent", sentAt: new Date(sent.timestamp * 1000).toISOString(), jobId } });
  }

  messageFailed(sessionId: string, failed: { jobId: string; to?: string; error: string }): void {
    // A job that never reached WhatsApp has no message id; the job id stands in, marked as such.
    const data = { messageId: `job:${failed.jobId}`, status: "failed", failedAt: new Date().toISOString(), error: failed.error.slice(0, 2000), jobId: failed.jobId, ...(failed.to && { to: failed.to }) };
    this.queue(sessionId, this.eventsPath, { event: "message_failed", sessionId, data });
  }

  worker(event: WorkerLifecycle, data: Record<string, unknown> = {}): void {
    this.queue("worker", this.eventsPath, { event, data });
  }

  /** Queues one report; returns its eventId. */
  private queue(stream: string, path: string, body: Record<string, unknown>): string {
    const eventId = Bun.randomUUIDv7();
    const item: OutboxItem = { path, body: { ...body, workerId: this.workerId, eventId, timestamp: new Date().toISOString() } };
    this.outbox.push(stream, item).catch((err: unknown) => this.log.error({ err, event: body.event }, "could not queue a report in Redis; it is lost"));
    return eventId;
  }
}

/**
 * Delivers one outbox item to the coordinator. Only a refusal of the item
 * itself (400: it can never succeed) takes it out of the queue undelivered;
 * an unknown worker (404 after the coordinator lost track of us) triggers a
 * new registration and a retry.
 */
export function coordinatorDelivery(client: CoordinatorClient, log: Logger, onUnknownWorker: () => void): (item: OutboxItem) => Promise<DeliveryOutcome> {
  return async (item) => {
    try {
      await client.post(String(item.path), item.body);
      return "delivered";
    } catch (err) {
      if (!(err instanceof CoordinatorError)) throw err;
      if (err.is("WORKER_NOT_FOUND")) {
        onUnknownWorker();
        return "retry";
      }
      if (err.transient) return "retry";
      if (err.is("STALE_EPOCH")) {
        // Expected after a hand-over: the session's new owner has reported since.
        log.debug({ path: item.path }, "the coordinator refused a report from before the session moved");
        return "rejected";
      }
      log.error({ err: err.message, path: item.path }, "the coordinator refused a report; it is kept in the outbox's dead list");
      return "rejected";
    }
  };
}
