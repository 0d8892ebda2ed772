import type { Static } from "elysia";
import type { ErrorCode } from "../../contracts/worker-api/error-codes.ts";
import type { HeartbeatBody, RegisterBody } from "../../contracts/worker-api/workers.ts";

/** How requests reach the coordinator: `fetch` over the network, or the app's own handler in --role=all. */
export type Fetcher = (request: Request) => Promise<Response>;

/** A contract A call that did not succeed; `status` is null when no answer came at all. */
export class CoordinatorError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "CoordinatorError";
  }

  /**
   * Worth trying again: no answer, a timeout, a 5xx, a 429, or a 401 (a token
   * being rotated on the coordinator): the worker keeps its reports rather
   * than dropping them over something an operator can fix.
   */
  /** Whether the coordinator refused with `code`: typed, so a misspelt code does not compile. */
  is(code: ErrorCode): boolean {
    return this.code === code;
  }

  get transient(): boolean {
    return this.status === null || this.status >= 500 || this.status === 429 || this.status === 401;
  }
}

interface CoordinatorClientOptions {
  baseUrl: string;
  token: string;
  fetch?: Fetcher;
  timeoutMs?: number;
}

/**
 * The worker's side of contract A: register, heartbeat, events and webhooks,
 * unregister, with the Bearer token. Only transport lives here; retrying and
 * buffering are the callers' (the outbox, the heartbeat loop).
 */
export class CoordinatorClient {
  private readonly fetcher: Fetcher;
  private readonly timeoutMs: number;

  constructor(private readonly opts: CoordinatorClientOptions) {
    this.fetcher = opts.fetch ?? ((request) => fetch(request));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async register(body: Static<typeof RegisterBody>): Promise<{ assignedSessions: string[] }> {
    const reply = (await this.call("POST", "/api/v1/workers/register", body)) as { data?: { assignedSessions?: string[] } };
    return { assignedSessions: reply.data?.assignedSessions ?? [] };
  }

  /** The commands as sent, unchecked: the link validates each against the schema (a newer coordinator may send more kinds). */
  async heartbeat(workerId: string, body: Static<typeof HeartbeatBody>): Promise<{ commands: unknown[] }> {
    const reply = (await this.call("PUT", `/api/v1/workers/${encodeURIComponent(workerId)}/heartbeat`, body)) as { data?: { commands?: unknown[] } };
    return { commands: reply.data?.commands ?? [] };
  }

  async unregister(workerId: string): Promise<void> {
    await this.call("DELETE", `/api/v1/workers/${encodeURIComponent(workerId)}`);
  }

  /** POSTs an event or webhook body to a contract A path. */
  async post(path: string, body: unknown): Promise<void> {
    await this.call("POST", path, body);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const request = new Request(`${this.opts.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    let response: Response;
    try {
      response = await this.fetcher(request);
    } catch (err) {
      throw new CoordinatorError(null, "UNREACHABLE", `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy's HTML error page, say: the status says enough.
    }
    if (!response.ok) {
      const err = parsed as { error?: string; code?: string } | undefined;
      throw new CoordinatorError(response.status, err?.code ?? `HTTP_${response.status}`, `${method} ${path}: ${response.status} ${err?.error ?? text.slice(0, 200)}`);
    }
    return parsed;
  }
}
