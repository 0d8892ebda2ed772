import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSimulator, type Simulator } from "../../../src/simulator/create-simulator.ts";
import { spawnGateway, type GatewayProcess } from "../../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../../support/redis-server.ts";
import { makeTempDir } from "../../support/temp-dir.ts";

export const API_KEY = "worker-test-api-key-0123456789";
export const WORKER_TOKEN = "worker-test-backend-token-0123456789";
export const AUTH_STATE_KEY = "11".repeat(32);

export interface WorldOptions {
  seed: string;
  /** Extra gateway flags. */
  args?: string[];
  env?: Record<string, string>;
  /** Default: --role=all. */
  role?: string[];
}

export interface ApiReply<T = unknown> {
  status: number;
  body: { success: boolean; data: T; error?: string; code?: string };
}

/**
 * The whole product against the simulator: a real Redis, a spawned gateway
 * (role all unless told otherwise) pointed at an in-process simulator whose
 * root key it trusts and whose media certificate it trusts through
 * NODE_EXTRA_CA_CERTS (Bun reads it only at process start).
 */
export class WorkerWorld {
  gateway!: GatewayProcess;
  private constructor(
    readonly sim: Simulator,
    readonly redis: TestRedis,
    readonly dir: { path: string; remove(): void },
    private readonly opts: WorldOptions,
  ) {}

  static async start(opts: WorldOptions): Promise<WorkerWorld> {
    const sim = await createSimulator({ seed: opts.seed, receipts: { deliveredDelayMs: 20, readDelayMs: 20, lose: false } });
    const redis = await startTestRedis();
    const dir = makeTempDir("wagw-");
    // Media is on (createSimulator's default), so the simulator has a certificate.
    writeFileSync(join(dir.path, "sim-ca.pem"), sim.mediaCertificatePem ?? "");
    const world = new WorkerWorld(sim, redis, dir, opts);
    await world.spawn();
    return world;
  }

  get dataDir(): string {
    return join(this.dir.path, "data");
  }

  get baseUrl(): string {
    return this.gateway.baseUrl;
  }

  async spawn(): Promise<void> {
    this.gateway = await spawnGateway({
      args: [
        ...(this.opts.role ?? ["--role=all"]),
        `--data-dir=${this.dataDir}`,
        `--redis-url=${this.redis.url}`,
        `--wa-url=${this.sim.url}`,
        `--wa-trust-key=${Buffer.from(this.sim.rootPublicKey).toString("hex")}`,
        "--worker-id=worker-test",
        "--heartbeat-interval=1s",
        "--reconnect-base-delay=200ms",
        "--log-level=debug",
        ...(this.opts.args ?? []),
      ],
      env: { API_KEY, BACKEND_AUTH_TOKEN: WORKER_TOKEN, AUTH_STATE_KEY, NODE_EXTRA_CA_CERTS: join(this.dir.path, "sim-ca.pem"), ...this.opts.env },
    });
  }

  /** Stops the gateway (SIGTERM, or SIGKILL to crash it) and starts it again on the same data and Redis. */
  async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.gateway.stop(signal);
    await this.spawn();
  }

  async api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiReply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body !== undefined && { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ApiReply<T>["body"] };
  }

  /** Polls until `check` returns a value (not undefined), or fails with `what`. */
  async until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await Bun.sleep(50);
    }
  }

  async session(sessionId: string): Promise<Record<string, unknown>> {
    return (await this.api(`GET`, `/api/v1/sessions/${sessionId}`)).body.data;
  }

  waitStatus(sessionId: string, status: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.until(`session ${sessionId} to be ${status}`, async () => {
      const s = await this.session(sessionId);
      return s?.status === status ? s : undefined;
    }, timeoutMs);
  }

  /** Waits for a job to finish and returns its record (state completed or failed). */
  waitJob(jobId: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.until(`job ${jobId}`, async () => {
      const job = (await this.api("GET", `/api/v1/jobs/${jobId}`)).body.data;
      return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
    }, timeoutMs);
  }

  /** POSTs to a job-creating route and waits for the job's outcome. */
  async job(path: string, body: unknown): Promise<Record<string, unknown>> {
    const reply = await this.api<{ jobId: string }>("POST", path, body);
    if (reply.status !== 202 && reply.status !== 200) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return this.waitJob(reply.body.data.jobId);
  }

  /** Creates a session through the API, reads its QR from the API and scans it with a new simulated phone. */
  async link(sessionId: string, name = sessionId): Promise<{ phone: string; jid: string }> {
    const account = this.sim.control.createAccount({ name });
    await this.api("POST", "/api/v1/sessions", { sessionId });
    const qr = await this.until(`a QR for ${sessionId}`, async () => {
      const reply = await this.api<{ qr: string }>("GET", `/api/v1/sessions/${sessionId}/qr`);
      return reply.status === 200 ? reply.body.data.qr : undefined;
    });
    await this.sim.control.scanQr(account.phone, qr);
    await this.waitStatus(sessionId, "connected");
    return { phone: account.phone, jid: account.jid };
  }

  /** The coordinator's SQLite registry, read-only (WAL lets it read beside the running gateway). */
  db(): Database {
    return new Database(join(this.dataDir, "wa-gateway.db"), { readonly: true });
  }

  /** Log lines of the gateway matching `msg`. */
  logged(msg: string): Record<string, unknown>[] {
    return this.gateway.logs.filter((l) => l.msg === msg);
  }

  async stop(): Promise<void> {
    await this.gateway.stop().catch(() => undefined);
    await this.sim.stop();
    await this.redis.stop();
    this.dir.remove();
  }
}
