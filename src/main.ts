import { loadConfig, type Config } from "./config/config.ts";
import { ConfigError } from "./config/config-error.ts";
import { helpText } from "./config/help.ts";
import { listen } from "./http/listener.ts";
import { createLogger, type Logger } from "./platform/logger.ts";
import { StartupError } from "./platform/startup-error.ts";
import { VERSION } from "./platform/version.ts";

/**
 * Entry point: parse config, bind the port, load and start the role, and stop on
 * SIGTERM/SIGINT. Only config, logging and the listener are imported up front;
 * the rest loads after the port answers liveness, which keeps startup fast.
 * Exit status: 0 clean stop, 1 failure, 2 bad configuration.
 */
async function main(): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 2);
    throw err;
  }
  const { command, config } = loaded;
  if (command === "help") {
    process.stdout.write(helpText(VERSION));
    return 0;
  }
  if (command === "version") {
    process.stdout.write(`wa-gateway ${VERSION}\n`);
    return 0;
  }

  if (command === "run" && config.sandbox) {
    const { sandboxTrustEnv } = await import("./sandbox/sandbox-trust.ts");
    const trust = sandboxTrustEnv(config);
    if (trust) return rerun(trust);
  }

  const log = createLogger(config.logLevel);
  // Listen for signals before starting anything: a SIGTERM during startup must
  // still stop what has started (Redis included) instead of killing the process.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  let running: { stop(): Promise<unknown> };
  try {
    if (command === "simulator") {
      const { runSimulator } = await import("./simulator/run-simulator.ts");
      running = await runSimulator(config, log);
    } else {
      running = await startRole(config, log);
    }
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 2);
    if (err instanceof StartupError) return fail(err.message, 1);
    // Some errors (Bun's module-resolution errors) are too circular for the JSON serializer: log their text.
    log.fatal({ err: err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : String(err) }, "failed to start");
    return 1;
  }

  const signal = await stopRequested;
  log.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down");
  // A second signal means the operator will not wait for the grace period.
  const force = () => process.exit(1);
  process.once("SIGTERM", force);
  process.once("SIGINT", force);
  const clean = await running.stop();
  log.info({ clean: clean !== false }, "stopped");
  return 0;
}

async function startRole(config: Config, log: Logger): Promise<{ stop(): Promise<unknown> }> {
  let listener;
  try {
    listener = listen({ host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes, version: VERSION, role: config.role });
  } catch (err) {
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  log.info({ host: config.host, port: listener.port }, "HTTP server listening");
  try {
    const { startGateway } = await import("./gateway.ts");
    return await startGateway(config, log, listener);
  } catch (err) {
    await listener.stop();
    throw err;
  }
}

/**
 * Runs this same command again in a child process with extra environment (the
 * sandbox's media certificate, which Bun only reads at start), passing signals
 * on and exiting with the child's status.
 */
async function rerun(extraEnv: Record<string, string>): Promise<number> {
  // A compiled binary is its own interpreter, with its runtime flags built in; under `bun src/main.ts`
  // the script and the runtime flags it was started with (request-guard.ts) come along.
  const self = Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, ...process.execArgv, Bun.main];
  const child = Bun.spawn([...self, ...process.argv.slice(2)], { env: { ...process.env, ...extraEnv }, stdio: ["inherit", "inherit", "inherit"] });
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
  return await child.exited;
}

function fail(message: string, status: number): number {
  process.stderr.write(`wa-gateway: ${message}\n`);
  return status;
}

if (import.meta.main) {
  process.exit(await main());
}
