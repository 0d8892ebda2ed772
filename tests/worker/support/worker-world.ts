import { Database } from "bun:sqlite";
import type { Redis } from "ioredis";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectRedis } from "../../../src/platform/redis/redis-connection.ts";
import type { WorkerView as WorkerViewSchema } from "../../../src/registry/operators/model.ts";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../../src/simulator/create-simulator.ts";
import { spawnGateway, type GatewayProcess } from "../../support/gateway-process.ts";
import { startTestRedis, type TestRedis } from "../../support/redis-server.ts";
import { makeTempDir } from "../../support/temp-dir.ts";
import { controlScan, polledQr, type QrSource, scanUntilLinked } from "../../support/link-by-qr.ts";

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
  /**
   * Split only: how many worker processes (default 1). One worker keeps the id `worker-test`; with
   * more, they are `w1`..`wN`, each with its own port, endpoint and data dir.
   */
  workers?: number;
  /** Split only: extra flags for the worker at `index` (0-based), also used by `addWorker`. */
  workerArgs?: (index: number) => string[];
  /** Run the compiled binary (dist/wa-gateway, built beforehand) instead of `bun src/main.ts`, as benchmarks do. */
  binary?: boolean;
  /** The root key the gateway trusts: the simulator's (default), another one, or none (WhatsApp's own). */
  trustKey?: Uint8Array | null;
  /** How the simulator behaves as a server, e.g. which client versions it has retired. */
  simulator?: Pick<SimulatorOptions, "minClientVersion">;
}

/** A worker as `GET /api/v1/workers` lists it. */
export type WorkerView = typeof WorkerViewSchema.static;

/**
 * One worker process's identity, kept across its restarts: the same id, port (hence endpoint, which
 * the registry keeps unique) and data dir, as a real host that comes back.
 */
interface WorkerSlot {
  id: string;
  port: number;
  dataDir: string;
  args: string[];
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
  /** Split only: the worker processes, by index (a killed one stays here until restarted). */
  readonly workerProcesses: GatewayProcess[] = [];
  private readonly slots: WorkerSlot[] = [];
  private coordinatorPort = 0;
  private client: Redis | undefined;
  private constructor(
    readonly sim: Simulator,
    readonly redis: TestRedis,
    readonly dir: { path: string; remove(): void },
    private readonly opts: WorldOptions,
  ) {}

  static async start(opts: WorldOptions): Promise<WorkerWorld> {
    const sim = await createSimulator({ seed: opts.seed, receipts: { deliveredDelayMs: 20, readDelayMs: 20, lose: false }, ...opts.simulator });
    const redis = await startTestRedis();
    const dir = makeTempDir("wagw-");
    if (!sim.mediaCertificatePem) throw new Error("the simulator runs without its media host");
    writeFileSync(join(dir.path, "sim-ca.pem"), sim.mediaCertificatePem);
    const world = new WorkerWorld(sim, redis, dir, opts);
    if (opts.split) {
      world.coordinatorPort = await freePort();
      const count = opts.workers ?? 1;
      for (let i = 0; i < count; i++) await world.addSlot(opts.workers === undefined ? "worker-test" : `w${i + 1}`, opts.workerArgs?.(i) ?? []);
    }
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
    await Promise.all(this.slots.map((_, i) => this.startWorker(i)));
  }

  /** Split only: starts the coordinator on its fixed port and data dir (again, after `stopCoordinator`). */
  async startCoordinator(): Promise<void> {
    this.gateway = await this.spawnRole(["--role=coordinator", `--port=${this.coordinatorPort}`]);
  }

  /** Split only: stops the coordinator alone (SIGTERM); the worker keeps running. */
  async stopCoordinator(): Promise<void> {
    await this.gateway.stop();
  }

  /** The separate (first) worker process when split. */
  get workerProcess(): GatewayProcess | undefined {
    return this.workerProcesses[0];
  }

  /** The process that runs the sessions (the first worker when split). */
  get worker(): GatewayProcess {
    return this.workerProcess ?? this.gateway;
  }

  /** Split only: the worker ids, by index. */
  get workerIds(): string[] {
    return this.slots.map((s) => s.id);
  }

  /** Split only: starts one more worker (`w<n>`, or the ids go on from `worker-test` as `w2`...). */
  async addWorker(extraArgs?: string[]): Promise<{ index: number; id: string }> {
    const index = this.slots.length;
    const slot = await this.addSlot(`w${index + 1}`, extraArgs ?? this.opts.workerArgs?.(index) ?? []);
    await this.startWorker(index);
    return { index, id: slot.id };
  }

  /** Split only: signals worker `index` (SIGKILL to crash it, SIGTERM to drain it) and waits for its exit status. */
  killWorker(index: number, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<number> {
    return this.workerAt(index).stop(signal);
  }

  /**
   * Split only: freezes worker `index` (SIGSTOP) for `ms`, then lets it go on (SIGCONT): a GC pause or
   * a slow heartbeat, with its sockets left open.
   */
  async pauseWorker(index: number, ms: number): Promise<void> {
    const worker = this.workerAt(index);
    worker.signal("SIGSTOP");
    try {
      await Bun.sleep(ms);
    } finally {
      worker.signal("SIGCONT");
    }
  }

  /** Split only: stops worker `index` if it runs (SIGTERM unless told) and starts it again as the same worker. */
  async restartWorker(index: number, signal: NodeJS.Signals = "SIGTERM"): Promise<GatewayProcess> {
    await this.workerAt(index).stop(signal);
    return this.startWorker(index);
  }

  private async addSlot(id: string, args: string[]): Promise<WorkerSlot> {
    const slot = { id, port: await freePort(), dataDir: join(this.dir.path, id === "worker-test" ? "worker-data" : `worker-data-${id}`), args };
    this.slots.push(slot);
    return slot;
  }

  private async startWorker(index: number): Promise<GatewayProcess> {
    const slot = this.slots[index];
    if (!slot) throw new Error(`no worker ${index}`);
    // These come after the shared flags (and spawnGateway's --port=0), so they win.
    const role = [
      "--role=worker",
      `--backend-url=http://127.0.0.1:${this.coordinatorPort}`,
      `--port=${slot.port}`,
      `--worker-endpoint=http://127.0.0.1:${slot.port}`,
      `--worker-id=${slot.id}`,
      ...slot.args,
    ];
    const worker = await this.spawnRole(role, slot.dataDir);
    this.workerProcesses[index] = worker;
    return worker;
  }

  private workerAt(index: number): GatewayProcess {
    const worker = this.workerProcesses[index];
    if (!worker) throw new Error(`no worker process ${index} (split: ${this.opts.split === true})`);
    return worker;
  }

  private spawnRole(role: string[], dataDir = this.dataDir): Promise<GatewayProcess> {
    return spawnGateway({
      binary: this.opts.binary ?? false,
      args: [
        `--data-dir=${dataDir}`,
        `--redis-url=${this.redis.url}`,
        `--wa-url=${this.sim.url}`,
        ...(this.opts.trustKey === null ? [] : [`--wa-trust-key=${Buffer.from(this.opts.trustKey ?? this.sim.rootPublicKey).toString("hex")}`]),
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

  /** Environment for the processes started from now on, over the world's own (e.g. another AUTH_STATE_KEY). */
  setEnv(env: Record<string, string>): void {
    this.opts.env = env;
  }

  /** Stops the gateway (SIGTERM, or SIGKILL to crash it) and starts it again on the same data and Redis. */
  async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await Promise.all(this.workerProcesses.map((w) => w.stop(signal)));
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

  /** The QR a session shows, as `GET /api/v1/sessions/{id}/qr` serves it. */
  apiQr(sessionId: string, waitMs?: number): QrSource {
    return polledQr(async () => {
      const reply = await this.api<{ qr: string }>("GET", `/api/v1/sessions/${sessionId}/qr`);
      return reply.status === 200 ? reply.body.data.qr : undefined;
    }, waitMs);
  }

  /** Reads a session's QR from the API, scans it with `phone` (again after a refresh), and waits until the session is connected. */
  async scan(sessionId: string, phone: string): Promise<void> {
    await scanUntilLinked(this.apiQr(sessionId), controlScan(this.sim.control, phone));
    await this.waitStatus(sessionId, "connected");
  }

  /** The workers the coordinator lists (`GET /api/v1/workers`). */
  async workersView(): Promise<WorkerView[]> {
    const reply = await this.api<WorkerView[]>("GET", "/api/v1/workers");
    if (reply.status !== 200) throw new Error(`GET /api/v1/workers: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.data;
  }

  /** From the registry: worker id → the ids of the (not deleted) sessions it owns, sorted; unplaced ones are left out. */
  sessionsByWorker(): Record<string, string[]> {
    const db = this.db();
    try {
      const rows = db
        .query<{ id: string; worker_id: string }, []>("SELECT id, worker_id FROM sessions WHERE worker_id IS NOT NULL AND status != 'deleted' ORDER BY id")
        .all();
      const byWorker: Record<string, string[]> = {};
      for (const row of rows) (byWorker[row.worker_id] ??= []).push(row.id);
      return byWorker;
    } finally {
      db.close();
    }
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

  /** Log lines matching `msg` of the process running the sessions (the first worker when split), or of `from`. */
  logged(msg: string, from: GatewayProcess = this.worker): Record<string, unknown>[] {
    return from.logs.filter((l) => l.msg === msg);
  }

  async stop(): Promise<void> {
    this.client?.disconnect();
    await Promise.all(this.workerProcesses.map((w) => w.stop().catch(() => undefined)));
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
