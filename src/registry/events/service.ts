import type { Database } from "bun:sqlite";
import type { Static } from "elysia";
import type { SessionStatus } from "../../contracts/worker-api/vocabulary.ts";
import { AppError } from "../../http/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { checkPart } from "../check-part.ts";
import { MESSAGE_EVENTS, PASSTHROUGH_EVENTS, SESSION_EVENTS, WORKER_EVENTS } from "./catalog.ts";
import type { EventLedgerStore } from "./event-ledger-store.ts";
import type { MessageStatusStore } from "./message-status-store.ts";
import { ConnectionUpdateData, MessageEventData, SessionData, type MessageStatusBody, type SessionStatusBody, type WorkerEventBody } from "../../contracts/worker-api/events.ts";
import type { EventSource } from "./schema.ts";
import type { MessageStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { SessionStore } from "../../sessions/session-store.ts";
import { sessionReport } from "./session-updates.ts";

/** Bounds the memory spent remembering which unknown names were logged. */
const MAX_UNKNOWN_NAMES = 1000;

const STATUS_TIME_FIELD: Partial<Record<MessageStatus, "sentAt" | "deliveredAt" | "readAt" | "playedAt" | "failedAt">> = {
  sent: "sentAt",
  delivered: "deliveredAt",
  read: "readAt",
  played: "playedAt",
  failed: "failedAt",
};

type SessionDataValue = Static<typeof SessionData>;
type MessageEventDataValue = Static<typeof MessageEventData> & { messageId: string };
/** What the ledger keeps of an incoming body. */
type LedgerBody = { eventId?: string; event: string; sessionId?: string; data?: unknown; timestamp?: string };

interface EventServiceDeps {
  sqlite: Database;
  sessions: SessionStore;
  messages: MessageStatusStore;
  ledger: EventLedgerStore;
  isKnownWorker(workerId: string): boolean;
  /** Told of every session status applied (placement lets go of sessions that ended). */
  onSessionStatus?(sessionId: string, workerId: string, status: SessionStatus): void;
  now(): number;
  log: Logger;
}

/**
 * Takes events from workers (contract A's events endpoint and its two
 * webhooks): stores every one in the ledger, then applies what it says to the
 * sessions and message-status tables, in one transaction.
 */
export class EventService {
  private readonly unknownLogged = new Set<string>();
  /** Stores an event and applies it, in one transaction (wrapped once: this runs for every event). */
  private readonly commit: (source: EventSource, workerId: string, body: LedgerBody, apply: (at: number, eventId: string) => void, at: number, published: boolean) => void;

  constructor(private readonly deps: EventServiceDeps) {
    this.commit = deps.sqlite.transaction((source: EventSource, workerId: string, body: LedgerBody, apply: (at: number, eventId: string) => void, at: number, published: boolean) => {
      const row = deps.ledger.append({
        published,
        eventId: body.eventId?.toLowerCase(),
        event: body.event,
        source,
        workerId,
        sessionId: body.sessionId,
        data: body.data,
        occurredAt: body.timestamp === undefined ? undefined : Date.parse(body.timestamp),
        receivedAt: at,
      });
      // A repeat of an event already stored (the worker retried it): it was applied the first time.
      if (row) apply(at, row.eventId);
      else deps.log.debug({ eventId: body.eventId, event: body.event }, "repeated event ignored");
    });
  }

  /** `POST /workers/{workerId}/events`: any event; session and message ones must carry their data. */
  receiveWorkerEvent(workerId: string, body: Static<typeof WorkerEventBody>): void {
    if (body.workerId !== undefined && body.workerId !== workerId) {
      throw new AppError(400, "VALIDATION_ERROR", `Invalid body.workerId: "${body.workerId}" does not match the path's workerId "${workerId}"`);
    }
    const sessionStatus = SESSION_EVENTS.get(body.event);
    const messageStatus = MESSAGE_EVENTS.get(body.event);
    if (sessionStatus !== undefined) {
      const data = checkPart(SessionData, body.data ?? {}, "body.data");
      const sessionId = requireSession(body);
      // The session-status webhook it names told integrators already; one that never arrived did not.
      const repeat = body.statusEventId !== undefined && this.deps.ledger.positionOf(body.statusEventId.toLowerCase()) !== undefined;
      this.record("events", workerId, body, (at) => this.applySession(body.event, sessionId, workerId, data, sessionStatus, at, body.epoch), !repeat);
    } else if (messageStatus !== undefined) {
      const data = checkPart(MessageEventData, body.data ?? {}, "body.data");
      const sessionId = requireSession(body);
      const status = data.status ?? messageStatus;
      if (!status) throw new AppError(400, "VALIDATION_ERROR", `Invalid body.data.status: required for ${body.event} events`);
      const { messageId } = data;
      this.record("events", workerId, body, (at, eventId) => {
        if (messageId !== undefined) this.applyMessage(sessionId, workerId, { ...data, messageId }, status, at, eventId);
      });
    } else if (body.event === "connection.update") {
      const data = checkPart(ConnectionUpdateData, body.data ?? {}, "body.data");
      const sessionId = requireSession(body);
      this.record("events", workerId, body, (at) => this.applySession(body.event, sessionId, workerId, connectionSessionData(data), connectionStatus(data), at, body.epoch));
    } else if (PASSTHROUGH_EVENTS.has(body.event)) {
      requireSession(body);
      this.record("events", workerId, body, () => {});
    } else {
      this.record("events", workerId, body, () => {});
      if (body.event === "worker_error") this.deps.log.warn({ workerId, data: body.data }, "worker reported an error");
      else if (!WORKER_EVENTS.has(body.event) && body.event !== "message_received") this.noteUnknown(body.event, workerId);
    }
  }

  /** `POST /webhooks/session-status`: whatever its name, the event updates the session. */
  receiveSessionStatus(body: Static<typeof SessionStatusBody>): void {
    const implied = SESSION_EVENTS.get(body.event);
    if (implied === undefined) this.noteUnknown(body.event, body.workerId);
    this.record("session-status", body.workerId, body, (at) => this.applySession(body.event, body.sessionId, body.workerId, body.data, implied ?? null, at, body.epoch));
  }

  /** `POST /webhooks/message-status`: whatever its name, the event updates the message. */
  receiveMessageStatus(body: Static<typeof MessageStatusBody>): void {
    if (!MESSAGE_EVENTS.has(body.event)) this.noteUnknown(body.event, body.workerId);
    this.record("message-status", body.workerId, body, (at, eventId) => this.applyMessage(body.sessionId, body.workerId, body.data, body.data.status, at, eventId));
  }

  private record(source: EventSource, workerId: string, body: LedgerBody, apply: (at: number, eventId: string) => void, published = true): void {
    if (!this.deps.isKnownWorker(workerId)) throw new AppError(404, "WORKER_NOT_FOUND", `Worker ${workerId} is not registered`);
    this.commit(source, workerId, body, apply, this.deps.now(), published);
  }

  private applySession(event: string, sessionId: string, workerId: string, data: SessionDataValue, implied: SessionStatus | null, at: number, epoch: number | undefined): void {
    const status = data.status ?? implied ?? undefined;
    this.deps.sessions.applyReport(sessionReport({ sessionId, workerId, status, data, at, ...(epoch !== undefined && { epoch }) }));
    if (status !== undefined) this.deps.onSessionStatus?.(sessionId, workerId, status);
    this.deps.log.debug({ event, sessionId, workerId, status: data.status ?? implied }, "session event applied");
  }

  private applyMessage(sessionId: string, workerId: string, data: MessageEventDataValue, status: MessageStatus, at: number, eventId: string): void {
    const timeField = STATUS_TIME_FIELD[status];
    const reported = timeField ? data[timeField] : undefined;
    const applied = this.deps.messages.apply({
      messageId: data.messageId,
      sessionId,
      workerId,
      status,
      recipient: data.to,
      error: data.error,
      statusAt: reported === undefined ? at : Date.parse(reported),
      eventId,
      at,
    });
    if (!applied) this.deps.log.debug({ messageId: data.messageId, status }, "older message status ignored");
  }

  /** Newer workers may send names this coordinator does not know: stored, and said once per name. */
  private noteUnknown(event: string, workerId: string): void {
    if (this.unknownLogged.has(event) || this.unknownLogged.size >= MAX_UNKNOWN_NAMES) return;
    this.unknownLogged.add(event);
    this.deps.log.info({ event, workerId }, "unknown event name: stored, not applied (logged once per name)");
  }
}

function requireSession(body: { event: string; sessionId?: string }): string {
  if (body.sessionId === undefined) throw new AppError(400, "VALIDATION_ERROR", `Invalid body.sessionId: required for ${body.event} events`);
  return body.sessionId;
}

type ConnectionUpdate = Static<typeof ConnectionUpdateData>;

/** Baileys' connection.update, in the sessions table's terms. Close with statusCode 401 is WhatsApp logging the device out. */
function connectionStatus(u: ConnectionUpdate): SessionStatus | null {
  if (u.qr !== undefined && u.connection !== "open") return "qr_required";
  if (u.connection === "open") return "connected";
  if (u.connection === "connecting") return "connecting";
  if (u.connection === "close") return u.lastDisconnect?.statusCode === 401 ? "logged_out" : "disconnected";
  return null;
}

function connectionSessionData(u: ConnectionUpdate): SessionDataValue {
  const reason = u.lastDisconnect?.message ?? u.lastDisconnect?.reason;
  return { ...(u.qr !== undefined && { qrString: u.qr }), ...(u.connection === "close" && reason !== undefined && { error: reason }) };
}
