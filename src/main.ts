import { loadConfig } from "./config/config.ts";
import { ConfigError } from "./config/config-error.ts";
import { helpText } from "./config/help.ts";
import { startGateway } from "./gateway.ts";
import { runSimulator } from "./simulator/run-simulator.ts";
import { createLogger } from "./platform/logger.ts";
import { StartupError } from "./platform/startup-error.ts";
import { VERSION } from "./version.ts";

/**
 * Entry point: parse config, start the role, and stop on SIGTERM/SIGINT.
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

  const log = createLogger(config.logLevel);
  // Listen for signals before starting anything: a SIGTERM during startup must
  // still stop what has started (Redis included) instead of killing the process.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  let running: { stop(): Promise<unknown> };
  try {
    running = command === "simulator" ? await runSimulator(config, log) : await startGateway(config, log);
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 2);
    if (err instanceof StartupError) return fail(err.message, 1);
    log.fatal({ err }, "failed to start");
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

function fail(message: string, status: number): number {
  process.stderr.write(`wa-gateway: ${message}\n`);
  return status;
}

if (import.meta.main) {
  process.exit(await main());
}
