import { Database } from "bun:sqlite";
import type { Redis } from "ioredis";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectRedis } from "../../../src/platform/redis/redis-connection.ts";
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
  /**
   * Run the coordinator (on a fixed port, so it can be restarted where the
   * worker expects it) and the worker as separate processes.
   */
  split?: boolean;
}

/** One event the coordinator's ledger holds, `data` parsed. */
export interface LedgerEvent {
  position: number;
  event: string;
  source: string;
  data: Record<string, unknown>;
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
  /** The process serving the API: the coordinator (the whole gateway unless split). */
  gateway!: GatewayProcess;
  /** The separate worker process when split. */
  workerProcess: GatewayProcess | undefined;
  private coordinatorPort = 0;
  private client: Redis | undefined;
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
    if (!sim.mediaCertificatePem) throw new Error("the simulator runs without its media host");
    writeFileSync(join(dir.path, "sim-ca.pem"), sim.mediaCertificatePem);
    const world = new WorkerWorld(sim, redis, dir, opts);
    if (opts.split) world.coordinatorPort = await freePort();
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
    if (!this.opts.split) {
      this.gateway = await this.spawnRole(this.opts.role ?? ["--role=all"]);
      return;
    }
    await this.startCoordinator();
    this.workerProcess = await this.spawnRole(["--role=worker", `--backend-url=http://127.0.0.1:${this.coordinatorPort}`], join(this.dir.path, "worker-data"));
  }

  /** Split only: starts the coordinator on its fixed port and data dir (again, after `stopCoordinator`). */
  async startCoordinator(): Promise<void> {
    this.gateway = await this.spawnRole(["--role=coordinator", `--port=${this.coordinatorPort}`]);
  }

  /** Split only: stops the coordinator alone (SIGTERM); the worker keeps running. */
  async stopCoordinator(): Promise<void> {
    await this.gateway.stop();
  }

  /** The process that runs the sessions. */
  get worker(): GatewayProcess {
    return this.workerProcess ?? this.gateway;
  }

  private spawnRole(role: string[], dataDir = this.dataDir): Promise<GatewayProcess> {
    return spawnGateway({
      args: [
        `--data-dir=${dataDir}`,
        `--redis-url=${this.redis.url}`,
        `--wa-url=${this.sim.url}`,
        `--wa-trust-key=${Buffer.from(this.sim.rootPublicKey).toString("hex")}`,
        "--worker-id=worker-test",
        "--heartbeat-interval=1s",
        "--reconnect-base-delay=200ms",
        "--log-level=debug",
        ...(this.opts.args ?? []),
        ...role,
      ],
      env: { API_KEY, BACKEND_AUTH_TOKEN: WORKER_TOKEN, AUTH_STATE_KEY, NODE_EXTRA_CA_CERTS: join(this.dir.path, "sim-ca.pem"), ...this.opts.env },
    });
  }

  /** Stops the gateway (SIGTERM, or SIGKILL to crash it) and starts it again on the same data and Redis. */
  async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.workerProcess?.stop(signal);
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
    await this.scan(sessionId, account.phone);
    return { phone: account.phone, jid: account.jid };
  }

  /** Reads a session's QR from the API, scans it with `phone`, and waits until the session is connected. */
  async scan(sessionId: string, phone: string): Promise<void> {
    const qr = await this.until(`a QR for ${sessionId}`, async () => {
      const reply = await this.api<{ qr: string }>("GET", `/api/v1/sessions/${sessionId}/qr`);
      return reply.status === 200 ? reply.body.data.qr : undefined;
    });
    await this.sim.control.scanQr(phone, qr);
    await this.waitStatus(sessionId, "connected");
  }

  /** The coordinator's SQLite registry, read-only (WAL lets it read beside the running gateway). */
  db(): Database {
    return new Database(join(this.dataDir, "wa-gateway.db"), { readonly: true });
  }

  /** The `data` of every ledger event named `event` for a session, oldest first. */
  events<T = Record<string, unknown>>(sessionId: string, event: string): T[] {
    return this.ledger(sessionId)
      .filter((e) => e.event === event)
      .map((e) => e.data as T);
  }

  /** The ledger's events for one session, in arrival order. */
  ledger(sessionId: string): LedgerEvent[] {
    const db = this.db();
    try {
      return db
        .query<{ position: number; event: string; source: string; data: string }, [string]>("SELECT position, event, source, data FROM event_ledger WHERE session_id = ? ORDER BY position")
        .all(sessionId)
        .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
    } finally {
      db.close();
    }
  }

  /** A client on the world's Redis (closed by `stop`). */
  async redisClient(): Promise<Redis> {
    this.client ??= await connectRedis(this.redis.url, "worker-world");
    return this.client;
  }

  /** The session's auth-state keys in Redis (creds and Signal keys). */
  async authKeys(sessionId: string): Promise<string[]> {
    return (await this.redisClient()).keys(`wag:auth:{${sessionId}}:*`);
  }

  /** The id of the one device linked to a simulated number (the gateway's session). */
  linkedDevice(phone: string): number {
    const devices = this.sim.control.getAccount(phone).devices.filter((d) => d.id !== 0);
    if (devices.length !== 1) throw new Error(`${phone} has ${devices.length} linked devices`);
    return devices[0]!.id;
  }

  /** Log lines of the process running the sessions matching `msg`. */
  logged(msg: string): Record<string, unknown>[] {
    return this.worker.logs.filter((l) => l.msg === msg);
  }

  async stop(): Promise<void> {
    this.client?.disconnect();
    await this.workerProcess?.stop().catch(() => undefined);
    await this.gateway.stop().catch(() => undefined);
    await this.sim.stop();
    await this.redis.stop();
    this.dir.remove();
  }
}

/** A port nothing listens on right now (for a coordinator that must come back on the same one). */
async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port ?? 0;
  await server.stop(true);
  return port;
}
