import type { AnyElysia } from "elysia";
import { mkdirSync } from "node:fs";
import type { Config } from "./config/config.ts";
import { resolveSecrets } from "./config/secrets.ts";
import { healthRoutes } from "./health/index.ts";
import type { ReadinessProbe } from "./health/service.ts";
import { apiDocs } from "./http/docs.ts";
import type { Credentials } from "./http/auth.ts";
import { KeyUsageLog } from "./http/key-usage-log.ts";
import type { Listener } from "./http/listener.ts";
import { buildApp } from "./http/server.ts";
import { Lifecycle } from "./platform/lifecycle.ts";
import type { Logger } from "./platform/logger.ts";
import { startEmbeddedRedis } from "./platform/redis/embedded-redis.ts";
import { connectRedis, warnOnEviction } from "./platform/redis/redis-connection.ts";
import { startCoordinator } from "./roles/coordinator/index.ts";
import { standaloneWorker } from "./roles/standalone/index.ts";
import { startCoordinatedWorker } from "./roles/worker/index.ts";
import { startSandbox } from "./sandbox/index.ts";
import { createWhatsAppDriver } from "./whatsapp/index.ts";
import { VERSION } from "./platform/version.ts";

interface RunningGateway {
  /** Stops everything in reverse order; false if something overran the grace period. */
  stop(): Promise<boolean>;
}

/**
 * The composition root: builds the parts the role needs, starts them, and
 * registers each with the lifecycle so they stop in reverse order. Nothing in
 * the codebase starts on import; it all starts here.
 */
export async function startGateway(config: Config, log: Logger, listener: Listener): Promise<RunningGateway> {
  const lifecycle = new Lifecycle(log);
  const runsCoordinator = config.role !== "worker";
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const { generated, path: secretsPath, secrets } = resolveSecrets(config);
    if (generated.includes("apiKey")) announceApiKey(secrets.apiKey ?? "", secretsPath);
    else if (generated.length > 0) log.info({ secrets: generated, file: secretsPath }, "generated missing secrets");

    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const embedded = await startEmbeddedRedis(config.dataDir, log);
      lifecycle.add("embedded redis", embedded.stop);
      redisUrl = embedded.url;
    } else {
      log.info({ redis: redactUrl(redisUrl) }, "using external Redis");
    }
    const redis = await connectRedis(redisUrl, `wa-gateway:${config.role}`);
    // QUIT waits for Redis to answer; if Redis is already gone, do not wait out the grace period for it.
    lifecycle.add("redis client", async () => {
      await Promise.race([redis.quit().catch(() => undefined), Bun.sleep(1000)]);
      redis.disconnect();
    });
    if (config.redisUrl) await warnOnEviction(redis, log);

    const probes: ReadinessProbe[] = [{ name: "redis", check: async () => void (await redis.ping()) }];
    const plugins: AnyElysia[] = [];
    let keys: Credentials["keys"];
    if (runsCoordinator) {
      const coordinator = await startCoordinator({ config, secrets, redis, redisUrl, lifecycle, log });
      plugins.push(...coordinator.plugins);
      probes.push(...coordinator.probes);
      keys = coordinator.keys;
    }
    let whatsapp: Pick<Config, "waUrl" | "waTrustKey" | "waVersion" | "historySync"> = config;
    if (config.sandbox) {
      const sandbox = await startSandbox(config, log);
      lifecycle.add("sandbox simulator", sandbox.stop);
      plugins.push(sandbox.plugin);
      whatsapp = { waUrl: sandbox.waUrl, waTrustKey: sandbox.trustKey, waVersion: config.waVersion, historySync: config.historySync };
    }
    // resolveSecrets refuses to start a worker role without AUTH_STATE_KEY.
    const standalone = config.role === "worker" && config.standalone ? standaloneWorker({ config, authStateKey: secrets.authStateKey ?? failMissing("AUTH_STATE_KEY"), redis, version: VERSION, log }) : undefined;
    if (standalone) plugins.push(standalone.plugin);
    plugins.push(healthRoutes({ version: VERSION, role: config.role, probes }), apiDocs(VERSION));

    const usage = new KeyUsageLog(log);
    lifecycle.add("api key usage log", async () => usage.stop());
    const app = buildApp({
      log,
      maxBodyBytes: config.maxBodyBytes,
      maxNonMediaBodyBytes: config.maxNonMediaBodyBytes,
      maxInflightBodyBytes: config.maxInflightBodyBytes,
      plugins,
      credentials: { ...(secrets.apiKeyDigest && { integrator: secrets.apiKeyDigest }), ...(secrets.backendAuthToken && { worker: secrets.backendAuthToken }), ...(keys && { keys }) },
      authFailuresPerMinute: config.authFailuresPerMinute,
      onKeyUse: usage.record,
    });
    app.compile();
    listener.serve(app.fetch);
    // Registered after the parts it feeds so it stops before them.
    lifecycle.add("http server", listener.stop);

    if (config.role !== "coordinator") {
      const driver = createWhatsAppDriver(whatsapp, redis, log);
      // resolveSecrets refuses to start a worker role without it.
      const authStateKey = secrets.authStateKey ?? failMissing("AUTH_STATE_KEY");
      const worker = standalone
        ? await standalone.start(driver)
        : await startCoordinatedWorker({
            config,
            workerToken: secrets.backendAuthToken ?? failMissing("BACKEND_AUTH_TOKEN"),
            authStateKey,
            redis,
            driver,
            version: VERSION,
            log,
            // One process: contract A calls go straight to the app, with no socket in between.
            ...(runsCoordinator && { fetch: (request: Request) => app.handle(request) }),
          });
      // Last, so it stops first: it still reports to the coordinator parts while it drains.
      lifecycle.add("worker", () => worker.stop(config.shutdownGraceMs));
    }
    log.info({ role: config.role, version: VERSION, port: listener.port, docs: `http://localhost:${listener.port}/docs` }, "wa-gateway started");
    return { stop: () => lifecycle.stopAll(config.shutdownGraceMs) };
  } catch (err) {
    await lifecycle.stopAll(config.shutdownGraceMs);
    throw err;
  }
}

/** The only time the API key is shown: straight to the terminal, not into the JSON log. */
function announceApiKey(apiKey: string, path: string): void {
  process.stderr.write(
    `\nwa-gateway: generated an integrator API key (shown only this once):\n\n    API_KEY=${apiKey}\n\n` +
      `It is kept, with the generated worker token and auth-state key, in ${path} (mode 0600).\n\n`,
  );
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/** A secret resolveSecrets should already have demanded: never fall back to an empty key. */
function failMissing(name: string): never {
  throw new Error(`${name} is missing`);
}
