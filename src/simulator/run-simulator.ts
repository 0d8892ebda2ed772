import type { Config } from "../config/config.ts";
import type { Logger } from "../platform/logger.ts";
import { createSimulator } from "./create-simulator.ts";

/**
 * `wa-gateway simulator`: the WhatsApp simulator on its own, for tests, demos
 * and benchmarks. It says loudly what it is, so nobody mistakes it for WhatsApp.
 */
export async function runSimulator(config: Config, log: Logger): Promise<{ stop(): Promise<void> }> {
  const sim = await createSimulator({ port: config.port, hostname: config.host, seed: config.simSeed });
  log.warn(
    {
      waUrl: sim.url,
      controlApi: `${sim.httpUrl}/sim`,
      trustKey: Buffer.from(sim.rootPublicKey).toString("base64"),
      seed: config.simSeed,
    },
    "WhatsApp SIMULATOR running: this is not WhatsApp. Point gateways at waUrl and trust trustKey.",
  );
  return { stop: () => sim.stop() };
}
