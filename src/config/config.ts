import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { parseCommandLine, type Command } from "./command-line.ts";
import { readDotenv } from "./dotenv.ts";
import { ParseError } from "./parsers.ts";
import type { Environment } from "../contracts/worker-api/vocabulary.ts";
import type { WaVersion } from "./wa-version.ts";
import type { HistorySyncPolicy } from "./history-sync.ts";
import { defaultValue, formatValue, settingByFlag, type DefaultContext } from "./defaults.ts";
import { SETTINGS, type Fault, type LogLevel, type OptionalSetting, type Role, type SecretSetting, type Setting, type SettingInput } from "./settings.ts";

export interface Secrets {
  backendAuthToken?: string;
  /** As given in the environment; a generated one is known only as its digest after the first start. */
  apiKey?: string;
  /** SHA-256 of the admin API key: what the gate compares against (resolveSecrets fills it). */
  apiKeyDigest?: Uint8Array;
  authStateKey?: Uint8Array;
  /** AUTH_STATE_KEY_PREVIOUS: read from the environment only, never generated. */
  authStateKeyPrevious?: Uint8Array;
  webhookSecret?: string;
  dataKey?: Uint8Array;
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
  maxNonMediaBodyBytes: number;
  maxInflightBodyBytes: number;
  authFailuresPerMinute: number;
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
  jobSessionWaitMs: number;
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

interface LoadedConfig {
  command: Command;
  config: Config;
}

interface ConfigSources {
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

  function read<T>(s: SettingInput<T>): T | undefined {
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

  const ctx: DefaultContext = {
    command,
    hostname: safeHostname(),
    value: (flag) => {
      const s = settingByFlag(flag);
      const v = value(s);
      return { value: v, text: v === undefined ? "" : formatValue(s, v) };
    },
  };
  /** Input if any, else the setting's declared default (settings.ts holds every default; none is written here). */
  function value<T>(s: Setting<T>): T;
  function value<T>(s: OptionalSetting<T> | SecretSetting<T>): T | undefined;
  function value<T>(s: Setting<T> | OptionalSetting<T> | SecretSetting<T>): T | undefined;
  function value<T>(s: Setting<T> | OptionalSetting<T> | SecretSetting<T>): T | undefined {
    // Secrets stay unset here: resolveSecrets generates them, only after the role is known to allow it.
    return read(s) ?? ("default" in s ? defaultValue(s, ctx) : undefined);
  }

  const role = value(SETTINGS.role);
  const mockBackend = value(SETTINGS.mockBackendResponses);
  if (mockBackend && role !== "worker") throw new ConfigError("--mock-backend-responses (MOCK_BACKEND_RESPONSES) only applies to --role=worker");
  const standalone = value(SETTINGS.standalone) || mockBackend;
  if (standalone && role !== "worker") throw new ConfigError("--standalone only applies to --role=worker");
  const sandbox = value(SETTINGS.sandbox);
  if (sandbox && role !== "all") throw new ConfigError("--sandbox only applies to --role=all");
  const heartbeatIntervalMs = value(SETTINGS.heartbeatInterval);
  const heartbeatTimeoutMs = value(SETTINGS.heartbeatTimeout);
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) throw new ConfigError(`--heartbeat-timeout (${heartbeatTimeoutMs}ms) must be longer than --heartbeat-interval (${heartbeatIntervalMs}ms)`);
  const leaseTtlMs = value(SETTINGS.leaseTtl);
  if (leaseTtlMs < 1500) throw new ConfigError(`--lease-ttl (${leaseTtlMs}ms) must be at least 1.5s: leases are renewed every third of it`);
  const metricsRawRetentionMs = value(SETTINGS.metricsRawRetention);
  const metricsRetentionMs = value(SETTINGS.metricsRetention);
  if (metricsRetentionMs < metricsRawRetentionMs) throw new ConfigError(`--metrics-retention (${metricsRetentionMs}ms) must not be shorter than --metrics-raw-retention (${metricsRawRetentionMs}ms)`);
  const maxBodyBytes = value(SETTINGS.maxBodySize);
  const maxInflightBodyBytes = value(SETTINGS.maxInflightBodySize);
  // A budget smaller than one allowed body would refuse that body with 429 for ever.
  if (maxInflightBodyBytes < maxBodyBytes) throw new ConfigError(`--max-inflight-body-size (${maxInflightBodyBytes} bytes) must be at least --max-body-size (${maxBodyBytes} bytes)`);

  const config: Config = {
    role,
    standalone,
    sandbox,
    extraCaCerts: env.NODE_EXTRA_CA_CERTS || undefined,
    host: value(SETTINGS.host),
    port: value(SETTINGS.port),
    dataDir: resolve(cwd, value(SETTINGS.dataDir)),
    redisUrl: value(SETTINGS.redisUrl),
    backendUrl: value(SETTINGS.backendUrl),
    workerId: value(SETTINGS.workerId),
    workerEndpoint: value(SETTINGS.workerEndpoint),
    maxSessions: value(SETTINGS.maxSessions),
    consumers: value(SETTINGS.consumers),
    environment: value(SETTINGS.environment),
    reconnectMaxFailures: value(SETTINGS.reconnectMaxFailures),
    reconnectBaseDelayMs: value(SETTINGS.reconnectBaseDelay),
    waUrl: value(SETTINGS.waUrl),
    waTrustKey: value(SETTINGS.waTrustKey),
    historySync: value(SETTINGS.historySync),
    waVersion: value(SETTINGS.waVersion),
    logLevel: value(SETTINGS.logLevel),
    shutdownGraceMs: value(SETTINGS.shutdownGrace),
    maxBodyBytes,
    maxNonMediaBodyBytes: value(SETTINGS.maxNonMediaBodySize),
    maxInflightBodyBytes,
    authFailuresPerMinute: value(SETTINGS.authFailuresPerMinute),
    webhookUrl: value(SETTINGS.webhookUrl),
    simSeed: value(SETTINGS.simSeed),
    simMinWaVersion: value(SETTINGS.simMinWaVersion),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    leaseTtlMs,
    rebalancePerMinute: value(SETTINGS.rebalanceRate),
    routerConcurrency: value(SETTINGS.routerConcurrency),
    jobSessionWaitMs: value(SETTINGS.jobSessionWait),
    metricsRawRetentionMs,
    metricsRetentionMs,
    maxMediaBytes: value(SETTINGS.maxMediaSize),
    allowPrivateMediaUrls: value(SETTINGS.allowPrivateMediaUrls),
    rateLimitPerMinute: value(SETTINGS.rateLimitPerMinute),
    webhookTimeoutMs: value(SETTINGS.webhookTimeout),
    webhookRetryHorizonMs: value(SETTINGS.webhookRetryHorizon),
    webhookRetryBaseMs: value(SETTINGS.webhookRetryBase),
    webhookRetryMaxDelayMs: value(SETTINGS.webhookRetryMaxDelay),
    webhookConcurrency: value(SETTINGS.webhookConcurrency),
    webhookTargetConcurrency: value(SETTINGS.webhookTargetConcurrency),
    allowPrivateWebhookUrls: value(SETTINGS.allowPrivateWebhookUrls),
    eventRetentionMs: value(SETTINGS.eventRetention),
    faultInjection: value(SETTINGS.faultInjection),
    secrets: {
      backendAuthToken: value(SETTINGS.backendAuthToken),
      apiKey: value(SETTINGS.apiKey),
      authStateKey: value(SETTINGS.authStateKey),
      authStateKeyPrevious: value(SETTINGS.authStateKeyPrevious),
      webhookSecret: value(SETTINGS.webhookSecret),
      dataKey: value(SETTINGS.dataKey),
    },
  };
  return { command, config };
}

/** The host's name in the characters a worker id allows (the default id is worker-<hostname>). */
function safeHostname(): string {
  return hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 56) || "local";
}
