import type { Subprocess } from "bun";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../logger.ts";
import { tryLock, type ProcessLock } from "../process-lock.ts";
import { StartupError } from "../startup-error.ts";
import { unixUrl } from "./redis-connection.ts";
import { waitForPong } from "./wait-for-pong.ts";

/** Linux caps a unix socket path at 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;
const READY_TIMEOUT_MS = 15_000;

interface EmbeddedRedis {
  /** unix:// URL of the socket. */
  url: string;
  /** True when this process started (and will stop) the server. */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server for this data dir: unix socket only (no TCP
 * port, so nothing else on the host can reach it), AOF on (an old snapshot would
 * roll Signal state back), and supervised: restarted if it dies, stopped on exit.
 *
 * One server per data dir: a lock file decides who owns it. If another live
 * gateway owns it, this process borrows it. If the owner crashed and left its
 * redis-server running, the pidfile finds it and it is stopped cleanly before a
 * fresh one starts, so there is never an "address in use" or a second server.
 */
export async function startEmbeddedRedis(dataDir: string, log: Logger): Promise<EmbeddedRedis> {
  const dir = join(dataDir, "redis");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = join(dir, "redis.sock");
  if (socket.length > MAX_SOCKET_PATH) {
    throw new StartupError(`data dir path is too long for a unix socket (${socket.length} > ${MAX_SOCKET_PATH} bytes): use a shorter --data-dir or set REDIS_URL`);
  }
  const url = unixUrl(socket);
  const locked = tryLock(join(dir, "supervisor.lock"));
  if (!("lock" in locked)) {
    log.info({ ownerPid: locked.holderPid, socket }, "embedded Redis is run by another wa-gateway process on this data dir; sharing it");
    await waitForPong(socket, READY_TIMEOUT_MS);
    return { url, owned: false, stop: async () => {} };
  }

  const binary = Bun.which("redis-server");
  if (!binary) {
    locked.lock.release();
    throw new StartupError("redis-server is not installed: install the Debian/Ubuntu package \"redis-server\" (apt-get install redis-server), or set REDIS_URL to an existing Redis");
  }
  const pidfile = join(dir, "redis.pid");
  await stopLeftover(pidfile, log);
  rmSync(socket, { force: true });

  const supervisor = new RedisSupervisor(binary, dir, socket, pidfile, locked.lock, log);
  await supervisor.start();
  return { url, owned: true, stop: () => supervisor.stop() };
}

class RedisSupervisor {
  private child: Subprocess | null = null;
  private stopping = false;
  private restarts = 0;
  private readonly killOnExit = () => this.child?.kill("SIGTERM");

  constructor(
    private readonly binary: string,
    private readonly dir: string,
    private readonly socket: string,
    private readonly pidfile: string,
    private readonly lock: ProcessLock,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    // If this process dies by an uncaught error, still take Redis down with it.
    process.on("exit", this.killOnExit);
    this.spawn();
    await waitForPong(this.socket, READY_TIMEOUT_MS, () => this.child?.exitCode !== null && this.child?.exitCode !== undefined);
    this.log.info({ socket: this.socket, redisPid: this.child?.pid }, "embedded Redis ready");
  }

  private spawn(): void {
    const args = [
      "--port", "0",
      "--unixsocket", this.socket,
      "--unixsocketperm", "700",
      "--dir", this.dir,
      "--pidfile", this.pidfile,
      "--logfile", join(this.dir, "redis.log"),
      "--daemonize", "no",
      "--appendonly", "yes",
      "--appendfsync", "everysec",
      // AOF is the persistence. Without RDB save points, a failing snapshot can never make Redis refuse to shut down.
      "--save", "",
      "--maxmemory-policy", "noeviction",
    ];
    const child = Bun.spawn([this.binary, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    child.exited.then((code) => this.onExit(child, code));
  }

  private async onExit(child: Subprocess, code: number): Promise<void> {
    if (this.stopping || child !== this.child) return;
    const stderr = child.stderr instanceof ReadableStream ? await new Response(child.stderr).text() : "";
    this.restarts++;
    const delay = Math.min(10_000, 250 * 2 ** Math.min(this.restarts, 6));
    this.log.error({ code, stderr: stderr.slice(0, 500), restartInMs: delay }, "embedded Redis exited unexpectedly; restarting");
    await Bun.sleep(delay);
    if (!this.stopping) this.spawn();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null) {
      // SIGTERM makes Redis flush the AOF and exit cleanly.
      child.kill("SIGTERM");
      const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) child.kill("SIGKILL");
    }
    process.off("exit", this.killOnExit);
    this.lock.release();
    this.log.info("embedded Redis stopped");
  }
}

/** A redis-server left running by a gateway that was SIGKILLed: stop it so ours can own the socket. */
async function stopLeftover(pidfile: string, log: Logger): Promise<void> {
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isRedisServer(pid)) return;
  log.warn({ redisPid: pid }, "stopping a redis-server left behind by an earlier wa-gateway on this data dir");
  process.kill(pid, "SIGTERM");
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (!isRedisServer(pid)) return;
    await Bun.sleep(20);
  }
  process.kill(pid, "SIGKILL");
}

function isRedisServer(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // A zombie is dead already; only its parent can reap it.
    return cmdline.includes("redis-server") && !/\) Z /.test(stat);
  } catch {
    return false;
  }
}
