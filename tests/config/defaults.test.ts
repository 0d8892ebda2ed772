import { afterAll, describe, expect, test } from "bun:test";
import { relative } from "node:path";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig, type Config } from "../../src/config/config.ts";
import { resolveSecrets } from "../../src/config/secrets.ts";
import { defaultText, formatValue } from "../../src/config/defaults.ts";
import { helpText } from "../../src/config/help.ts";
import { SETTINGS, type Exception, type Role, type SettingName } from "../../src/config/settings.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const cwd = makeTempDir("wag-defaults-");
afterAll(() => cwd.remove());
const load = (argv: string[]) => loadConfig({ argv, env: {}, cwd: cwd.path }).config;

/** Where each setting lands in Config. Exhaustive, so a new setting cannot skip these tests. */
const FIELD: { [K in SettingName]: (c: Config) => unknown } = {
  role: (c) => c.role,
  standalone: (c) => c.standalone,
  // It lands in `standalone` (contract A: the same switch under another name).
  mockBackendResponses: (c) => c.standalone,
  host: (c) => c.host,
  port: (c) => c.port,
  dataDir: (c) => `./${relative(cwd.path, c.dataDir)}`,
  redisUrl: (c) => c.redisUrl,
  backendUrl: (c) => c.backendUrl,
  workerId: (c) => c.workerId,
  workerEndpoint: (c) => c.workerEndpoint,
  maxSessions: (c) => c.maxSessions,
  consumers: (c) => c.consumers,
  sandbox: (c) => c.sandbox,
  environment: (c) => c.environment,
  reconnectMaxFailures: (c) => c.reconnectMaxFailures,
  reconnectBaseDelay: (c) => c.reconnectBaseDelayMs,
  waUrl: (c) => c.waUrl,
  waTrustKey: (c) => c.waTrustKey,
  waVersion: (c) => c.waVersion,
  historySync: (c) => c.historySync,
  logLevel: (c) => c.logLevel,
  shutdownGrace: (c) => c.shutdownGraceMs,
  maxBodySize: (c) => c.maxBodyBytes,
  maxNonMediaBodySize: (c) => c.maxNonMediaBodyBytes,
  maxInflightBodySize: (c) => c.maxInflightBodyBytes,
  maxMediaSize: (c) => c.maxMediaBytes,
  allowPrivateMediaUrls: (c) => c.allowPrivateMediaUrls,
  rateLimitPerMinute: (c) => c.rateLimitPerMinute,
  webhookUrl: (c) => c.webhookUrl,
  webhookTimeout: (c) => c.webhookTimeoutMs,
  webhookRetryHorizon: (c) => c.webhookRetryHorizonMs,
  webhookRetryBase: (c) => c.webhookRetryBaseMs,
  webhookRetryMaxDelay: (c) => c.webhookRetryMaxDelayMs,
  webhookConcurrency: (c) => c.webhookConcurrency,
  webhookTargetConcurrency: (c) => c.webhookTargetConcurrency,
  allowPrivateWebhookUrls: (c) => c.allowPrivateWebhookUrls,
  eventRetention: (c) => c.eventRetentionMs,
  faultInjection: (c) => c.faultInjection,
  simSeed: (c) => c.simSeed,
  simMinWaVersion: (c) => c.simMinWaVersion,
  heartbeatInterval: (c) => c.heartbeatIntervalMs,
  heartbeatTimeout: (c) => c.heartbeatTimeoutMs,
  leaseTtl: (c) => c.leaseTtlMs,
  rebalanceRate: (c) => c.rebalancePerMinute,
  routerConcurrency: (c) => c.routerConcurrency,
  jobSessionWait: (c) => c.jobSessionWaitMs,
  metricsRawRetention: (c) => c.metricsRawRetentionMs,
  metricsRetention: (c) => c.metricsRetentionMs,
  backendAuthToken: (c) => c.secrets.backendAuthToken,
  apiKey: (c) => c.secrets.apiKey,
  webhookSecret: (c) => c.secrets.webhookSecret,
  authStateKey: (c) => c.secrets.authStateKey,
  authStateKeyPrevious: (c) => c.secrets.authStateKeyPrevious,
  dataKey: (c) => c.secrets.dataKey,
  authFailuresPerMinute: (c) => c.authFailuresPerMinute,
};

const NAMES = Object.keys(SETTINGS) as SettingName[];
const byFlag = (flag: string): SettingName => NAMES.find((n) => SETTINGS[n].flag === flag)!;
const argvFor = (when: Exception<unknown>["when"]): string[] => ("command" in when ? [when.command] : [`--role=${when.role}`]);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Each default is declared once (settings.ts); these tests read the text --help and the README print
 * and check that loading with no input yields exactly what that text says.
 */
describe("with no input, each setting has the default its help text names", () => {
  const plain = load([]);
  for (const name of NAMES) {
    test(name, () => {
      const s = SETTINGS[name];
      const text = defaultText(s);
      expect(helpText("0").includes(`default: ${text}`)).toBe(true);
      if (!("default" in s)) {
        expect(FIELD[name](plain)).toBeUndefined();
        return;
      }
      const d = s.default;
      if ("times" in d) {
        expect(text).toBe(`${d.times} × --${d.of}`);
        expect(FIELD[name](plain)).toBe(d.times * Number(FIELD[byFlag(d.of)](plain)));
      } else if ("template" in d) {
        expect(text).toBe(d.template);
        const pattern = escape(d.template).replace(/<([a-z-]+)>/g, (_, flag: string) => (flag === "hostname" ? "[A-Za-z0-9._-]+" : escape(String(FIELD[byFlag(flag)](plain)))));
        expect(String(FIELD[name](plain))).toMatch(new RegExp(`^${pattern}$`));
      } else {
        const shown = formatValue(s, d.value);
        expect(text.startsWith(shown)).toBe(true);
        expect(FIELD[name](plain)).toEqual(s.parse(shown));
        for (const e of d.unless ?? []) {
          const exceptionShown = formatValue(s, e.value);
          expect(text).toContain(`${exceptionShown} for ${argvFor(e.when).join(" ")}`);
          expect(FIELD[name](load(argvFor(e.when)))).toEqual(s.parse(exceptionShown));
        }
      }
    });
  }
});

test("the rules read as before: ports by role and command, the simulator on loopback", () => {
  expect(defaultText(SETTINGS.port)).toBe("8000 (8900 for simulator, 8001 for --role=worker)");
  expect(defaultText(SETTINGS.host)).toBe("0.0.0.0 (127.0.0.1 for simulator)");
  expect(defaultText(SETTINGS.rateLimitPerMinute)).toBe("0 (off)");
  expect(defaultText(SETTINGS.maxBodySize)).toBe("25mb");
  expect(defaultText(SETTINGS.redisUrl)).toBe("(embedded)");
  const worker = load(["--role=worker", "--heartbeat-interval=2s"]);
  expect([worker.port, worker.workerEndpoint, worker.heartbeatTimeoutMs]).toEqual([8001, "http://localhost:8001", 6000]);
});

test("a secret left unset is generated by exactly the roles its help text names", () => {
  const secrets = ["backendAuthToken", "apiKey", "authStateKey", "webhookSecret", "dataKey"] as const;
  const given: Record<(typeof secrets)[number], string> = { backendAuthToken: "t".repeat(20), apiKey: "k".repeat(20), authStateKey: "ab".repeat(32), webhookSecret: "w".repeat(20), dataKey: "cd".repeat(32) };
  for (const name of secrets) {
    for (const role of ["all", "coordinator", "worker"] satisfies Role[]) {
      const data = makeTempDir("wag-defaults-secret-");
      try {
        const env = Object.fromEntries(secrets.filter((other) => other !== name).map((other) => [SETTINGS[other].env, given[other]]));
        const config = loadConfig({ argv: [`--role=${role}`, `--data-dir=${data.path}`], env, cwd: data.path }).config;
        let generated = false;
        try {
          generated = resolveSecrets(config).generated.includes(name);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
        }
        expect({ name, role, generated }).toEqual({ name, role, generated: SETTINGS[name].generatedBy.includes(role) });
        expect(defaultText(SETTINGS[name]).includes(`--role=${role}`)).toBe(generated);
      } finally {
        data.remove();
      }
    }
  }
});
