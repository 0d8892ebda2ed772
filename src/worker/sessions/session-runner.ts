import type { Redis } from "ioredis";
import type { SessionStatus } from "../../contracts/worker-api/vocabulary.ts";
import type { Logger } from "../../platform/logger.ts";
import { qrDataUrl } from "../../platform/qr-code.ts";
import { AuthUnreadableError, FenceLostError, useRedisAuthState, type AuthStateKeys, type RedisAuthState } from "../../whatsapp/auth-state/redis-auth-state.ts";
import type { DriverEvent, WhatsAppDriver, WhatsAppSession } from "../../whatsapp/driver.ts";
import type { Fence } from "../ownership/session-lease.ts";
import type { Disconnect, Reporter } from "../reporting/reporter.ts";
import { reconnectDelay, type ReconnectPolicy } from "./reconnect-policy.ts";

/** Where one hosted session stands: contract A's session statuses but those only the coordinator assigns. */
export type RunnerState = Exclude<SessionStatus, "created" | "pending_capacity" | "deleted">;

/** States a START_SESSION job can report as its outcome without waiting longer. */
const SETTLED: ReadonlySet<RunnerState> = new Set(["connected", "qr_required", "pairing_code", "error", "logged_out", "disconnected", "stopped", "auth_unreadable"]);

/** WhatsApp's first QR lives about 60 s, each later one about 20 s. */
const FIRST_QR_MS = 60_000;
const NEXT_QR_MS = 20_000;
/** How long a connection must stay up before a 440 counts as a new conflict rather than the same loop. */
const CONFLICT_CALM_MS = 60_000;

interface SessionRunnerDeps {
  sessionId: string;
  fence: Fence;
  driver: WhatsAppDriver;
  redis: Redis;
  authKeys: AuthStateKeys;
  reporter: Reporter;
  policy: ReconnectPolicy;
  log: Logger;
  /** Called once, when the runner ends for good (stopped, deleted, logged out, gave up, lost its lease). */
  onEnd(keepMembership: boolean): void;
  /** Counts incoming messages for the heartbeat. */
  onIncoming(count: number): void;
}

/**
 * One hosted session: a chain of Baileys sockets over time, and the policy
 * between them. It reconnects with backoff after drops, backs off harder from
 * a 440 conflict, erases its auth on logout, and gives up into `error` after
 * too many failures in a row instead of looping forever.
 */
export class SessionRunner {
  state: RunnerState = "connecting";
  lastActivityAt = Date.now();
  private socket: WhatsAppSession | undefined;
  private auth: RedisAuthState | undefined;
  private failures = 0;
  /**
   * 440s since the connection last stayed up for CONFLICT_CALM_MS. Unlike
   * `failures` it survives the reconnect that follows a 440 (which always
   * succeeds, until the other client takes the device back), so a conflict
   * loop backs off further each round instead of fighting at a fixed pace.
   */
  private conflicts = 0;
  private calmTimer: ReturnType<typeof setTimeout> | undefined;
  private qrCount = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;
  /** Settles when the current socket has emitted its close: until then WhatsApp may still see it. */
  private socketClosed: Promise<void> = Promise.resolve();
  private readonly watchers = new Set<() => void>();
  /** Reports leave in the order things happened, even when one needs async work (the QR image). */
  private reports: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SessionRunnerDeps) {}

  get sessionId(): string {
    return this.deps.sessionId;
  }

  get fence(): Fence {
    return this.deps.fence;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Opens the first socket and resolves with the first settled state (or the current one after `waitMs`). */
  async start(pairingPhone: string | undefined, waitMs: number): Promise<RunnerState> {
    try {
      this.auth = await useRedisAuthState(this.deps.redis, this.sessionId, this.deps.authKeys, this.deps.fence);
    } catch (err) {
      if (!(err instanceof AuthUnreadableError)) throw err;
      // No retry can read it: the session waits for the right key (and a START), or a DELETE.
      this.deps.log.error({ sessionId: this.sessionId }, err.message);
      this.giveUp("auth_unreadable", err.message);
      await this.reports;
      return this.state;
    }
    if (this.auth.resealed > 0) this.deps.log.info({ sessionId: this.sessionId, values: this.auth.resealed }, "auth state sealed under AUTH_STATE_KEY_PREVIOUS re-sealed under AUTH_STATE_KEY");
    this.setState("connecting");
    this.report({ kind: "status", status: "connecting" });
    this.open(pairingPhone);
    return this.waitFor((s) => SETTLED.has(s), waitMs);
  }

  /** The open socket, waiting up to `waitMs` for a reconnect in progress; null if it does not come. */
  async connectedSocket(waitMs: number): Promise<WhatsAppSession | null> {
    if (this.state !== "connected" && !this.ended && (this.state === "connecting" || this.state === "reconnecting")) {
      await this.waitFor((s) => s === "connected" || !["connecting", "reconnecting"].includes(s), waitMs);
    }
    return this.state === "connected" && this.socket ? this.socket : null;
  }

  /** STOP_SESSION (or a standalone worker's shutdown): close the socket, keep the auth. */
  async stop(status: "stopped" | "disconnected" = "stopped", error?: string): Promise<void> {
    if (this.ended) return;
    const disconnect = this.closing(error ?? "the session was stopped (STOP_SESSION)");
    this.end(status === "stopped" ? false : true, this.closeSocket());
    this.setState(status);
    this.report({ kind: "status", status, ...(error && { error }), ...(disconnect && { disconnect }) });
    await this.reports;
  }

  /**
   * DELETE_SESSION: log the device out (best effort) and erase the auth for
   * good. Returns how the socket closed, if one was open, for the report.
   */
  async delete(): Promise<Disconnect | undefined> {
    const socket = this.state === "connected" ? this.socket : undefined;
    const disconnect = this.closing(socket ? "the device was logged out and the session deleted (DELETE_SESSION)" : "the session was deleted (DELETE_SESSION)");
    // Deferred a tick so the runner has ended (ignores the logout's close) before the socket is touched.
    const erase = Promise.resolve().then(async () => {
      if (socket) await socket.logout().catch((err: unknown) => this.deps.log.warn({ err, sessionId: this.sessionId }, "logout failed; erasing the auth anyway"));
      else this.socket?.close();
      await this.auth?.clear();
    });
    this.end(false, erase);
    await erase;
    this.setState("stopped");
    await this.reports;
    return disconnect;
  }

  /**
   * The session moves to another worker: close the socket and keep the auth.
   * A move says nothing (the new owner reports from here on); a worker that
   * shuts down passes `farewell`, and integrators hear the socket close while
   * the session reconnects at its next owner (or here, after a restart). The
   * lease is let go only once the socket has closed, so WhatsApp never sees
   * the session connected twice.
   */
  async handOff(farewell?: string): Promise<void> {
    if (this.ended) return;
    const disconnect = farewell === undefined ? undefined : this.closing(farewell);
    if (disconnect) this.report({ kind: "status", status: "reconnecting", disconnect });
    const closed = this.closeSocket();
    this.end(true, closed);
    this.setState("stopped");
    await closed;
    await this.reports;
  }

  /** The lease went to someone else: stop touching the session at once, and report nothing more. */
  abandon(): void {
    if (this.ended) return;
    this.deps.log.warn({ sessionId: this.sessionId }, "lost the session's ownership lease; closing it here without a word");
    this.end(false);
    this.socket?.close();
    this.setState("stopped");
  }

  private open(pairingPhone?: string, justPaired = false): void {
    const auth = this.auth;
    if (!auth || this.ended) return;
    let closed = (): void => undefined;
    this.socketClosed = new Promise((resolve) => (closed = resolve));
    const onEvent = (event: DriverEvent): void => {
      if (event.type === "close") closed();
      this.onEvent(socket, event);
    };
    const socket = this.deps.driver.open({
      sessionId: this.sessionId,
      auth: { state: auth.state, saveCreds: () => this.guard(auth.saveCreds()) },
      ...(pairingPhone && { pairingPhone }),
      ...(justPaired && { justPaired }),
      onEvent,
      log: this.deps.log,
    });
    this.socket = socket;
  }

  /**
   * contract B's `lastDisconnect` for a socket the worker is about to close,
   * or undefined if none is open (between reconnects the drop was reported).
   */
  private closing(message: string): Disconnect | undefined {
    return this.socket ? { reason: "closed", message } : undefined;
  }

  /** Closes the current socket; resolves once it has closed (at once if there is none). */
  private closeSocket(): Promise<void> {
    if (!this.socket) return Promise.resolve();
    const closed = this.socketClosed;
    this.socket.close();
    return closed;
  }

  private onEvent(socket: WhatsAppSession, event: DriverEvent): void {
    // Events from a socket we already replaced (a late close, say) are history.
    if (socket !== this.socket || (this.ended && event.type !== "close")) return;
    this.lastActivityAt = Date.now();
    switch (event.type) {
      case "qr": {
        const expiresAt = Date.now() + (this.qrCount++ === 0 ? FIRST_QR_MS : NEXT_QR_MS);
        this.setState("qr_required");
        this.enqueue(async () => {
          const qrCode = await qrDataUrl(event.qr);
          this.deps.reporter.session(this.sessionId, { kind: "qr", qr: event.qr, qrCode, expiresAt }, this.deps.fence.epoch);
        });
        return;
      }
      case "pairing_code":
        this.setState("pairing_code");
        this.report({ kind: "pairing_code", code: event.code });
        return;
      case "open":
        this.failures = 0;
        clearTimeout(this.calmTimer);
        this.calmTimer = setTimeout(() => (this.conflicts = 0), CONFLICT_CALM_MS);
        this.setState("connected");
        this.report({ kind: "connected", phoneNumber: event.phoneNumber, ...(event.pushName && { pushName: event.pushName }) });
        return;
      case "close":
        this.onClose({ reason: event.reason, ...(event.statusCode !== undefined && { statusCode: event.statusCode }), message: event.message });
        return;
      case "messages":
        if (event.upsertType === "notify") this.deps.onIncoming(event.messages.filter((m) => !m.key.fromMe).length);
        this.enqueue(() => this.deps.reporter.traffic(this.sessionId, event, this.deps.fence.epoch));
        return;
      case "message_status":
        // The server's ack ("sent") is what a send job waits for, and the job reports it as message_sent
        // with its job id; forwarding the ack too would double the busiest report of all.
        if (event.status === "sent") return;
        this.enqueue(() => this.deps.reporter.traffic(this.sessionId, event, this.deps.fence.epoch));
        return;
      default:
        this.enqueue(() => this.deps.reporter.traffic(this.sessionId, event, this.deps.fence.epoch));
    }
  }

  private onClose(disconnect: Disconnect): void {
    this.socket = undefined;
    clearTimeout(this.calmTimer);
    if (this.ended || disconnect.reason === "closed") return;
    const { log } = this.deps;
    log.info({ sessionId: this.sessionId, ...disconnect }, "WhatsApp connection closed");
    switch (disconnect.reason) {
      case "restart_required":
        // Pairing just finished: the saved creds log straight in.
        this.open(undefined, true);
        return;
      case "logged_out": {
        this.setState("logged_out");
        const erase = this.guard(this.auth?.clear() ?? Promise.resolve()).catch((err: unknown) => log.error({ err, sessionId: this.sessionId }, "could not erase the auth state"));
        this.end(false, erase);
        this.report({ kind: "status", status: "logged_out", error: "the device was logged out from the phone", disconnect });
        return;
      }
      case "forbidden":
        return this.giveUp("error", `WhatsApp refused this account: ${disconnect.message}`, disconnect);
      case "untrusted_server":
        // Reconnecting to a server that failed the certificate check would only offer it the creds again.
        return this.giveUp(
          "error",
          `untrusted_server: the server could not prove it is WhatsApp (${disconnect.message}); no credentials were sent to it. If this is the project's simulator, set --wa-trust-key to its root key`,
          disconnect,
        );
      case "pairing_code_refused":
        return this.giveUp(
          "error",
          `pairing_code_refused: WhatsApp refused the pairing-code request (${disconnect.message}); check the phone number (with country code) or link by QR`,
          disconnect,
        );
      case "version_refused":
        // Every reconnect would announce the same retired version: only a new --wa-version (and a restart) helps.
        return this.giveUp("error", `version_refused: ${disconnect.message}; set --wa-version (WA_VERSION) to the current WA Web version and restart`, disconnect);
      case "qr_timeout":
        return this.giveUp("disconnected", "the QR code was not scanned in time; start the session again", disconnect);
      case "replaced":
      case "connection_lost":
        return this.retry(disconnect);
    }
  }

  private retry(disconnect: Disconnect): void {
    this.failures++;
    if (this.failures >= this.deps.policy.maxFailures) {
      return this.giveUp("error", `gave up after ${this.failures} failed connection attempts in a row (last: ${disconnect.message})`, disconnect);
    }
    const attempt = disconnect.reason === "replaced" ? ++this.conflicts : this.failures;
    const delay = reconnectDelay(this.deps.policy, attempt, disconnect.reason);
    this.setState("reconnecting");
    this.report({ kind: "status", status: "reconnecting", disconnect });
    this.deps.log.info({ sessionId: this.sessionId, reason: disconnect.reason, attempt, delayMs: delay }, "reconnecting after a backoff");
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private giveUp(status: "error" | "disconnected" | "auth_unreadable", error: string, disconnect?: Disconnect): void {
    this.setState(status);
    this.end(false);
    this.report({ kind: "status", status, error, ...(disconnect && { disconnect }) });
  }

  /**
   * Marks the runner finished; `keepMembership` keeps it in the worker's resume set (a shutdown, not a stop).
   * `erasing` is an auth erase under way: the lease (which fences it) is let go only once it settled.
   */
  private end(keepMembership: boolean, erasing?: Promise<unknown>): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.calmTimer);
    const release = () => this.deps.onEnd(keepMembership);
    if (erasing) void erasing.then(release, release);
    else release();
  }

  private report(change: Parameters<Reporter["session"]>[1]): void {
    this.enqueue(() => this.deps.reporter.session(this.sessionId, change, this.deps.fence.epoch));
  }

  private enqueue(step: () => void | Promise<void>): void {
    this.reports = this.reports.then(step).catch((err: unknown) => this.deps.log.error({ err, sessionId: this.sessionId }, "could not report a session event"));
  }

  /** A fenced write that bounced means another worker owns the session now. */
  private async guard(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (err) {
      if (err instanceof FenceLostError) this.abandon();
      throw err;
    }
  }

  private setState(state: RunnerState): void {
    this.state = state;
    for (const watch of [...this.watchers]) watch();
  }

  private waitFor(done: (s: RunnerState) => boolean, waitMs: number): Promise<RunnerState> {
    if (done(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(this.state);
      };
      const check = () => {
        if (done(this.state)) finish();
      };
      const timer = setTimeout(finish, waitMs);
      this.watchers.add(check);
    });
  }
}
