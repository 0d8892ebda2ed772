import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { parseCommandLine, type Command } from "./command-line.ts";
import { readDotenv } from "./dotenv.ts";
import { ParseError } from "./parsers.ts";
import type { Environment } from "../contracts/worker-api/vocabulary.ts";
import { DEFAULT_WA_VERSION, type WaVersion } from "../whatsapp/wa-version.ts";
import type { HistorySyncPolicy } from "../whatsapp/driver.ts";
import { SETTINGS, type Fault, type LogLevel, type Role, type Setting } from "./settings.ts";

export interface Secrets {
  backendAuthToken?: string;
  apiKey?: string;
  authStateKey?: Uint8Array;
  webhookSecret?: string;
}

export interface Config {
  role: Role;
  standalone: boolean;
  sandbox: boolean;
  /** NODE_EXTRA_CA_CERTS as this process started with it (Bun reads it then, never later). */
  extraCaCerts?: string;
  host: string;
  port: number;
  /** Absolute, so a later chdir or a child process cannot misread it. */
  dataDir: string;
  redisUrl?: string;
  backendUrl: string;
  workerId: string;
  workerEndpoint: string;
  maxSessions: number;
  consumers: number;
  environment: Environment;
  reconnectMaxFailures: number;
  reconnectBaseDelayMs: number;
  /** Unset: the real WhatsApp. */
  waUrl?: string;
  waTrustKey?: Uint8Array;
  historySync: HistorySyncPolicy;
  /** The WA Web version sessions announce; DEFAULT_WA_VERSION unless overridden. */
  waVersion: WaVersion;
  logLevel: LogLevel;
  shutdownGraceMs: number;
  maxBodyBytes: number;
  webhookUrl?: string;
  simSeed: string;
  /** `wa-gateway simulator`: clients announcing an older version are refused as retired. */
  simMinWaVersion?: WaVersion;
  heartbeatIntervalMs: number;
  /** Longer than the interval; 3 intervals unless set. */
  heartbeatTimeoutMs: number;
  /** Ownership lease lifetime; renewed every third. */
  leaseTtlMs: number;
  /** Sessions the rebalancer may move per minute; 0 = off. */
  rebalancePerMinute: number;
  routerConcurrency: number;
  metricsRawRetentionMs: number;
  metricsRetentionMs: number;
  maxMediaBytes: number;
  allowPrivateMediaUrls: boolean;
  /** Per-session cap on message jobs per minute; 0 = no cap. */
  rateLimitPerMinute: number;
  webhookTimeoutMs: number;
  webhookRetryHorizonMs: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxDelayMs: number;
  webhookConcurrency: number;
  webhookTargetConcurrency: number;
  allowPrivateWebhookUrls: boolean;
  eventRetentionMs: number;
  faultInjection: Fault;
  /** As configured; `resolveSecrets` fills the gaps in --role=all. */
  secrets: Secrets;
}

export interface LoadedConfig {
  command: Command;
  config: Config;
}

export interface ConfigSources {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * The only place that reads argv and the environment. Precedence: flags, then
 * env, then `.env` in the working directory, then defaults. A bad value throws
 * a ConfigError naming the flag or variable and what it accepts.
 */
export function loadConfig({ argv, env, cwd }: ConfigSources = { argv: process.argv.slice(2), env: process.env, cwd: process.cwd() }): LoadedConfig {
  const { command, flags } = parseCommandLine(argv);
  const dotenv = readDotenv(join(cwd, ".env"));

  function read<T>(s: Setting<T>): T | undefined {
    const sources: [string, string | undefined][] = [
      [s.flag ? `--${s.flag}` : "", s.flag ? flags.get(s.flag) : undefined],
      [s.env, env[s.env]],
      [`${s.env} (in .env)`, dotenv[s.env]],
    ];
    for (const [name, raw] of sources) {
      if (raw === undefined) continue;
      try {
        return s.parse(raw);
      } catch (err) {
        if (err instanceof ParseError) throw new ConfigError(`${name} ${err.message}`);
        throw err;
      }
    }
    return undefined;
  }

  const role = read(SETTINGS.role) ?? "all";
  const standalone = read(SETTINGS.standalone) ?? false;
  if (standalone && role !== "worker") throw new ConfigError("--standalone only applies to --role=worker");
  const sandbox = read(SETTINGS.sandbox) ?? false;
  if (sandbox && role !== "all") throw new ConfigError("--sandbox only applies to --role=all");
  const port = read(SETTINGS.port) ?? (command === "simulator" ? 8900 : role === "worker" ? 8001 : 8000);
  const heartbeatIntervalMs = read(SETTINGS.heartbeatInterval) ?? 10_000;
  const heartbeatTimeoutMs = read(SETTINGS.heartbeatTimeout) ?? 3 * heartbeatIntervalMs;
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) throw new ConfigError(`--heartbeat-timeout (${heartbeatTimeoutMs}ms) must be longer than --heartbeat-interval (${heartbeatIntervalMs}ms)`);
  const leaseTtlMs = read(SETTINGS.leaseTtl) ?? 6000;
  if (leaseTtlMs < 1500) throw new ConfigError(`--lease-ttl (${leaseTtlMs}ms) must be at least 1.5s: leases are renewed every third of it`);
  const metricsRawRetentionMs = read(SETTINGS.metricsRawRetention) ?? 24 * 3_600_000;
  const metricsRetentionMs = read(SETTINGS.metricsRetention) ?? 30 * 86_400_000;
  if (metricsRetentionMs < metricsRawRetentionMs) throw new ConfigError(`--metrics-retention (${metricsRetentionMs}ms) must not be shorter than --metrics-raw-retention (${metricsRawRetentionMs}ms)`);

  const config: Config = {
    role,
    standalone,
    sandbox,
    extraCaCerts: env.NODE_EXTRA_CA_CERTS || undefined,
    // The simulator is a test tool: keep it off the network unless asked.
    host: read(SETTINGS.host) ?? (command === "simulator" ? "127.0.0.1" : "0.0.0.0"),
    port,
    dataDir: resolve(cwd, read(SETTINGS.dataDir) ?? "./data"),
    redisUrl: read(SETTINGS.redisUrl),
    backendUrl: read(SETTINGS.backendUrl) ?? "http://localhost:8000",
    workerId: read(SETTINGS.workerId) ?? defaultWorkerId(),
    workerEndpoint: read(SETTINGS.workerEndpoint) ?? `http://localhost:${port}`,
    maxSessions: read(SETTINGS.maxSessions) ?? 50,
    consumers: read(SETTINGS.consumers) ?? 16,
    environment: read(SETTINGS.environment) ?? "PRODUCTION",
    reconnectMaxFailures: read(SETTINGS.reconnectMaxFailures) ?? 5,
    reconnectBaseDelayMs: read(SETTINGS.reconnectBaseDelay) ?? 1000,
    waUrl: read(SETTINGS.waUrl),
    waTrustKey: read(SETTINGS.waTrustKey),
    historySync: read(SETTINGS.historySync) ?? "metadata",
    waVersion: read(SETTINGS.waVersion) ?? DEFAULT_WA_VERSION,
    logLevel: read(SETTINGS.logLevel) ?? "info",
    shutdownGraceMs: read(SETTINGS.shutdownGrace) ?? 10_000,
    maxBodyBytes: read(SETTINGS.maxBodySize) ?? 25 * 1024 * 1024,
    webhookUrl: read(SETTINGS.webhookUrl),
    simSeed: read(SETTINGS.simSeed) ?? "wa-sim",
    simMinWaVersion: read(SETTINGS.simMinWaVersion),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    leaseTtlMs,
    rebalancePerMinute: read(SETTINGS.rebalanceRate) ?? 120,
    routerConcurrency: read(SETTINGS.routerConcurrency) ?? 1000,
    metricsRawRetentionMs,
    metricsRetentionMs,
    maxMediaBytes: read(SETTINGS.maxMediaSize) ?? 16 * 1024 * 1024,
    allowPrivateMediaUrls: read(SETTINGS.allowPrivateMediaUrls) ?? false,
    rateLimitPerMinute: read(SETTINGS.rateLimitPerMinute) ?? 0,
    webhookTimeoutMs: read(SETTINGS.webhookTimeout) ?? 10_000,
    webhookRetryHorizonMs: read(SETTINGS.webhookRetryHorizon) ?? 24 * 3_600_000,
    webhookRetryBaseMs: read(SETTINGS.webhookRetryBase) ?? 1000,
    webhookRetryMaxDelayMs: read(SETTINGS.webhookRetryMaxDelay) ?? 3_600_000,
    webhookConcurrency: read(SETTINGS.webhookConcurrency) ?? 64,
    webhookTargetConcurrency: read(SETTINGS.webhookTargetConcurrency) ?? 16,
    allowPrivateWebhookUrls: read(SETTINGS.allowPrivateWebhookUrls) ?? false,
    eventRetentionMs: read(SETTINGS.eventRetention) ?? 7 * 86_400_000,
    faultInjection: read(SETTINGS.faultInjection) ?? "none",
    secrets: {
      backendAuthToken: read(SETTINGS.backendAuthToken),
      apiKey: read(SETTINGS.apiKey),
      authStateKey: read(SETTINGS.authStateKey),
      webhookSecret: read(SETTINGS.webhookSecret),
    },
  };
  return { command, config };
}

function defaultWorkerId(): string {
  const safe = hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 56);
  return `worker-${safe || "local"}`;
}
