import { ENVIRONMENTS } from "../contracts/worker-api/vocabulary.ts";
import { DEFAULT_WA_VERSION } from "./wa-version.ts";
import * as p from "./parsers.ts";
import { HISTORY_SYNC_POLICIES } from "./history-sync.ts";

const ROLES = ["all", "coordinator", "worker"] as const;
export type Role = (typeof ROLES)[number];

/** Crash points a test can ask for, to prove recovery from them. */
const FAULTS = ["none", "crash-after-ledger-write"] as const;
export type Fault = (typeof FAULTS)[number];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where a setting is read from and what it accepts. `flag` is absent for
 * secrets on purpose: a flag shows up in `ps` and shell history.
 */
export interface SettingInput<T> {
  flag?: string;
  env: string;
  parse: p.Parser<T>;
  /** A flag that needs no value (`--standalone` means true). */
  switch?: boolean;
  help: string;
}

/** A setting that always has a value: its one default is declared here, and config, --help and the README read it. */
export interface Setting<T> extends SettingInput<T> {
  /** NoInfer: the parser alone says what T is, so `{ value: "all" }` must fit it rather than widen it to string. */
  default: Default<NoInfer<T>>;
}

/** A secret: unset, only the roles in `generatedBy` generate it (and keep it in the data dir, see secrets.ts); the others must be given it. */
export interface SecretSetting<T> extends SettingInput<T> {
  generatedBy: readonly Role[];
}

/** A setting whose absence means something of its own, which `unset` says ("embedded"). */
export interface OptionalSetting<T> extends SettingInput<T> {
  unset: string;
}

/**
 * The value when no input gives one:
 * - `value`, unless the first matching `unless` rule names another (the simulator and workers pick other ports);
 * - `template`: input text whose <placeholders> are other settings' flags or `hostname`, parsed like input;
 * - `times` × the value of the setting with flag `of` (read in that setting's unit, e.g. ms).
 */
type Default<T> = { value: T; note?: string; unless?: readonly Exception<T>[] } | { template: string } | { times: number; of: string };

export interface Exception<T> {
  when: { role: Role } | { command: "simulator" };
  value: T;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;
const optional = <T>(s: OptionalSetting<T>): OptionalSetting<T> => s;
const secret = <T>(s: SecretSetting<T>): SecretSetting<T> => s;

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MB = 1024 ** 2;

/** Every setting, in the order `--help` and the README list them. */
export const SETTINGS = {
  role: setting({ flag: "role", env: "ROLE", parse: p.oneOf(ROLES), default: { value: "all" }, help: "Which parts run in this process: all (coordinator + worker), coordinator, or worker." }),
  standalone: setting({ flag: "standalone", env: "STANDALONE_MODE", parse: p.boolean, switch: true, default: { value: false }, help: "Worker only: run without a coordinator, consume whatsapp-jobs directly and post webhooks to WEBHOOK_URL." }),
  // Contract A's Standalone Mode names this beside STANDALONE_MODE ("disable backend registration").
  mockBackendResponses: setting({ flag: "mock-backend-responses", env: "MOCK_BACKEND_RESPONSES", parse: p.boolean, switch: true, default: { value: false }, help: "Worker only: contract A's name for calling no backend; it means --standalone." }),
  // The simulator is a test tool: keep it off the network unless asked.
  host: setting({ flag: "host", env: "HOST", parse: p.nonEmpty, default: { value: "0.0.0.0", unless: [{ when: { command: "simulator" }, value: "127.0.0.1" }] }, help: "Address the HTTP server listens on." }),
  port: setting({ flag: "port", env: "PORT", parse: p.port, default: { value: 8000, unless: [{ when: { command: "simulator" }, value: 8900 }, { when: { role: "worker" }, value: 8001 }] }, help: "HTTP port. 0 picks a free port." }),
  dataDir: setting({ flag: "data-dir", env: "DATA_DIR", parse: p.nonEmpty, default: { value: "./data" }, help: "Where SQLite, the embedded Redis and generated secrets live." }),
  redisUrl: optional({ flag: "redis-url", env: "REDIS_URL", parse: p.redisUrl, unset: "embedded", help: "Shared Redis. Unset: a private redis-server is started on a unix socket in the data dir." }),
  backendUrl: setting({ flag: "backend-url", env: "BACKEND_URL", parse: p.httpUrl, default: { value: "http://localhost:8000" }, help: "Worker only: the coordinator this worker registers with." }),
  workerId: setting({ flag: "worker-id", env: "WORKER_ID", parse: p.identifier, default: { template: "worker-<hostname>" }, help: "This worker's id in the registry." }),
  workerEndpoint: setting({ flag: "worker-endpoint", env: "WORKER_ENDPOINT", parse: p.httpUrl, default: { template: "http://localhost:<port>" }, help: "The URL this worker announces to the coordinator." }),
  maxSessions: setting({ flag: "max-sessions", env: "MAX_SESSIONS", parse: p.integer(1, 100_000), default: { value: 50 }, help: "Most WhatsApp sessions this worker hosts." }),
  consumers: setting({ flag: "consumers", env: "CONSUMERS", parse: p.integer(1, 1000), default: { value: 16 }, help: "Concurrent job consumers in this worker." }),
  sandbox: setting({ flag: "sandbox", env: "SANDBOX", parse: p.boolean, switch: true, default: { value: false }, help: "--role=all only: run the built-in WhatsApp simulator and connect every session to it instead of WhatsApp (a demo with no phone; its control API is under /sim)." }),
  environment: setting({ flag: "environment", env: "WORKER_ENVIRONMENT", parse: p.oneOf(ENVIRONMENTS), default: { value: "PRODUCTION" }, help: "Worker: the environment it announces to the coordinator (DEVELOPMENT, STAGING, TESTING or PRODUCTION)." }),
  reconnectMaxFailures: setting({ flag: "reconnect-max-failures", env: "RECONNECT_MAX_FAILURES", parse: p.integer(1, 1000), default: { value: 5 }, help: "Worker: consecutive failed connection attempts after which a session stops retrying, goes to `error` and waits for START_SESSION." }),
  reconnectBaseDelay: setting({ flag: "reconnect-base-delay", env: "RECONNECT_BASE_DELAY", parse: p.positiveDuration, default: { value: SECOND }, help: "Worker: first reconnect delay; it doubles per failure (with jitter), up to 60 s; 440 conflicts start 5 times higher." }),
  waUrl: optional({ flag: "wa-url", env: "WA_URL", parse: p.wsUrl, unset: "WhatsApp", help: "Worker: the WhatsApp WebSocket URL. Set only to use the project's simulator; a non-default value is logged as a warning." }),
  waTrustKey: optional({ flag: "wa-trust-key", env: "WA_TRUST_KEY", parse: p.publicKey32, unset: "WhatsApp's", help: "Worker: the root key (hex/base64, 32 bytes) WhatsApp's Noise certificates must be signed by; the simulator prints its own." }),
  waVersion: setting({ flag: "wa-version", env: "WA_VERSION", parse: p.waVersion, default: { value: DEFAULT_WA_VERSION }, help: "Worker: the WA Web client version announced to WhatsApp (three dot-separated integers). Set it only when WhatsApp has retired the pinned one (every session fails with 405); a non-default value is logged as a warning." }),
  historySync: setting({ flag: "history-sync", env: "HISTORY_SYNC", parse: p.oneOf(HISTORY_SYNC_POLICIES), default: { value: "metadata" }, help: "Worker: what sessions keep of WhatsApp's history sync. metadata: the LID↔phone-number mappings, privacy tokens and push names (needed to name LID-only senders and to write to existing chats without error 463), no message archive; full: the message history too. History is never forwarded as new messages." }),
  logLevel: setting({ flag: "log-level", env: "LOG_LEVEL", parse: p.oneOf(LOG_LEVELS), default: { value: "info" }, help: "Log verbosity (JSON lines on stdout)." }),
  shutdownGrace: setting({ flag: "shutdown-grace", env: "SHUTDOWN_GRACE", parse: p.duration, default: { value: 10 * SECOND }, help: "How long SIGTERM/SIGINT waits for in-flight work before closing." }),
  authFailuresPerMinute: setting({ flag: "auth-failures-per-minute", env: "AUTH_FAILURES_PER_MINUTE", parse: p.integer(1, 1_000_000), default: { value: 20 }, help: "Failed authentications one address may make a minute; beyond them it gets 429 with Retry-After, whatever it presents, until the budget refills." }),
  maxBodySize: setting({ flag: "max-body-size", env: "MAX_BODY_SIZE", parse: p.byteSize, default: { value: 25 * MB }, help: "Largest accepted HTTP request body, on the routes that take media uploads (POST .../messages/media); larger gets 413." }),
  maxNonMediaBodySize: setting({ flag: "max-non-media-body-size", env: "MAX_NON_MEDIA_BODY_SIZE", parse: p.byteSize, default: { value: MB }, help: "Largest HTTP request body on every other route (at most --max-body-size); larger gets 413." }),
  maxInflightBodySize: setting({ flag: "max-inflight-body-size", env: "MAX_INFLIGHT_BODY_SIZE", parse: p.byteSize, default: { times: 4, of: "max-body-size" }, help: "Request-body bytes all requests together may hold at once (at least --max-body-size); a body that would pass it gets 429 with Retry-After." }),
  maxMediaSize: setting({ flag: "max-media-size", env: "MAX_MEDIA_SIZE", parse: p.byteSize, default: { value: 16 * MB }, help: "Largest base64 media (decoded) a SEND_MEDIA job may carry." }),
  allowPrivateMediaUrls: setting({ flag: "allow-private-media-urls", env: "ALLOW_PRIVATE_MEDIA_URLS", parse: p.boolean, switch: true, default: { value: false }, help: "Accept media URLs on private, loopback and link-local hosts (labs, the WhatsApp simulator)." }),
  rateLimitPerMinute: setting({ flag: "rate-limit-per-minute", env: "RATE_LIMIT_PER_MINUTE", parse: p.integer(0, 10_000), default: { value: 0, note: "off" }, help: "Most messages each session sends per minute, spaced evenly; over it, jobs wait as delayed jobs." }),
  webhookUrl: optional({ flag: "webhook-url", env: "WEBHOOK_URL", parse: p.httpUrl, unset: "none", help: "Global webhook that receives every event." }),
  webhookTimeout: setting({ flag: "webhook-timeout", env: "WEBHOOK_TIMEOUT", parse: p.positiveDuration, default: { value: 10 * SECOND }, help: "Coordinator and standalone worker: how long one webhook POST may take before it counts as failed and is retried." }),
  webhookRetryHorizon: setting({ flag: "webhook-retry-horizon", env: "WEBHOOK_RETRY_HORIZON", parse: p.positiveDuration, default: { value: 24 * HOUR }, help: "Coordinator and standalone worker: a failing webhook is retried (exponential backoff with jitter) for this long, then dead-lettered. A 4xx answer other than 408 and 429 dead-letters it at once." }),
  webhookRetryBase: setting({ flag: "webhook-retry-base", env: "WEBHOOK_RETRY_BASE", parse: p.positiveDuration, default: { value: SECOND }, help: "Coordinator and standalone worker: the first webhook retry waits about this long; each further one waits twice as long." }),
  webhookRetryMaxDelay: setting({ flag: "webhook-retry-max-delay", env: "WEBHOOK_RETRY_MAX_DELAY", parse: p.positiveDuration, default: { value: HOUR }, help: "Coordinator and standalone worker: the longest wait between two webhook retries." }),
  webhookConcurrency: setting({ flag: "webhook-concurrency", env: "WEBHOOK_CONCURRENCY", parse: p.integer(1, 10_000), default: { value: 64 }, help: "Coordinator: webhook POSTs in flight at once, over all receivers." }),
  webhookTargetConcurrency: setting({ flag: "webhook-target-concurrency", env: "WEBHOOK_TARGET_CONCURRENCY", parse: p.integer(1, 10_000), default: { value: 16 }, help: "Coordinator: webhook POSTs in flight at once to one receiver, so a slow one cannot take every slot." }),
  allowPrivateWebhookUrls: setting({ flag: "allow-private-webhook-urls", env: "ALLOW_PRIVATE_WEBHOOK_URLS", parse: p.boolean, switch: true, default: { value: false }, help: "Accept webhook URLs on private, loopback and link-local hosts (receivers on the same host or LAN)." }),
  eventRetention: setting({ flag: "event-retention", env: "EVENT_RETENTION", parse: p.positiveDuration, default: { value: 7 * DAY }, help: "Coordinator: events (and their webhook deliveries) older than this are deleted from the ledger." }),
  faultInjection: setting({ flag: "fault-injection", env: "FAULT_INJECTION", parse: p.oneOf(FAULTS), default: { value: "none" }, help: "Testing only: crash-after-ledger-write SIGKILLs the coordinator after it stores an event and before it queues its webhooks." }),
  simSeed: setting({ flag: "sim-seed", env: "SIM_SEED", parse: p.nonEmpty, default: { value: "wa-sim" }, help: "`wa-gateway simulator` only: seed for the simulator's keys, accounts and ids (same seed, same world)." }),
  simMinWaVersion: optional({ flag: "sim-min-wa-version", env: "SIM_MIN_WA_VERSION", parse: p.waVersion, unset: "none", help: "`wa-gateway simulator` only: refuse clients announcing an older WA Web version with <failure reason=405>, as WhatsApp refuses a retired version." }),
  heartbeatInterval: setting({ flag: "heartbeat-interval", env: "HEARTBEAT_INTERVAL", parse: p.positiveDuration, default: { value: 10 * SECOND }, help: "How often a worker heartbeats; the coordinator checks liveness this often." }),
  heartbeatTimeout: setting({ flag: "heartbeat-timeout", env: "HEARTBEAT_TIMEOUT", parse: p.positiveDuration, default: { times: 3, of: "heartbeat-interval" }, help: "Coordinator: a worker silent this long is marked OFFLINE (a worker_offline event is stored)." }),
  leaseTtl: setting({ flag: "lease-ttl", env: "LEASE_TTL", parse: p.positiveDuration, default: { value: 6 * SECOND }, help: "Every role, one value per cluster: a session's ownership lease lives this long unless renewed (every third of it). A dead worker's sessions move within about this long; a pause shorter than two thirds of it moves nothing." }),
  rebalanceRate: setting({ flag: "rebalance-rate", env: "REBALANCE_RATE", parse: p.integer(0, 60_000), default: { value: 120 }, help: "Coordinator: most sessions moved per minute to even out load when a worker joins or undrains, idlest first; 0 turns rebalancing off." }),
  jobSessionWait: setting({ flag: "job-session-wait", env: "JOB_SESSION_WAIT", parse: p.positiveDuration, default: { value: 5 * 60 * SECOND }, help: "Coordinator: how long a job waits, in order and without spending attempts, for a session that is reconnecting, moving or waiting for a worker; then it fails with SESSION_NOT_CONNECTED." }),
  routerConcurrency: setting({ flag: "router-concurrency", env: "ROUTER_CONCURRENCY", parse: p.integer(1, 100_000), default: { value: 1000 }, help: "Coordinator: `whatsapp-jobs` jobs handed to workers at once (each session's jobs still go one at a time, in order)." }),
  metricsRawRetention: setting({ flag: "metrics-raw-retention", env: "METRICS_RAW_RETENTION", parse: p.positiveDuration, default: { value: 24 * HOUR }, help: "Coordinator: heartbeat metrics are kept raw this long, then averaged into one row per worker per 5 minutes." }),
  metricsRetention: setting({ flag: "metrics-retention", env: "METRICS_RETENTION", parse: p.positiveDuration, default: { value: 30 * DAY }, help: "Coordinator: averaged heartbeat metrics older than this are deleted." }),
  // Peers must share these, so only --role=all (coordinator and worker in one process) may invent them.
  backendAuthToken: secret({ env: "BACKEND_AUTH_TOKEN", parse: p.secretToken, generatedBy: ["all"], help: "Bearer token between workers and the coordinator (min 16 chars)." }),
  apiKey: secret({ env: "API_KEY", parse: p.secretToken, generatedBy: ["all"], help: "Integrator API key: Authorization: Bearer <key> or X-API-Key (min 16 chars). Optional for a standalone worker, where it opens the dead-webhook API." }),
  // Only the coordinator signs webhooks, so any coordinator may invent its own.
  webhookSecret: secret({ env: "WEBHOOK_SECRET", parse: p.secretToken, generatedBy: ["all", "coordinator"], help: "Signs webhooks to WEBHOOK_URL and per-session URLs (X-Webhook-Signature); read it at GET /api/v1/webhooks/secret." }),
  // Every coordinator on one database must share it; a coordinator alone may invent its own.
  dataKey: secret({ env: "DATA_KEY", parse: p.aes256Key, generatedBy: ["all", "coordinator"], help: "Coordinator: seals webhook subscription secrets in the database and keys the hashes of scoped API keys: 64 hex digits or base64 of 32 bytes. Changing it invalidates every scoped key." }),
  authStateKey: secret({ env: "AUTH_STATE_KEY", parse: p.aes256Key, generatedBy: ["all"], help: "AES-256-GCM key for WhatsApp auth state in Redis: 64 hex digits or base64 of 32 bytes." }),
  // Never generated: only an operator rotating AUTH_STATE_KEY sets it, to the key being replaced.
  authStateKeyPrevious: optional({
    env: "AUTH_STATE_KEY_PREVIOUS",
    parse: p.aes256Key,
    unset: "none",
    help: "Worker: during a rotation of AUTH_STATE_KEY, the key being replaced. Auth state sealed under it is still read, and a session's is re-sealed under AUTH_STATE_KEY when it starts; drop it once every session has started. Without it such a session reads auth_unreadable.",
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;
