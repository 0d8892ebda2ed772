import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import type { Logger } from "../platform/logger.ts";
import { createSimulator } from "./create-simulator.ts";

/**
 * `wa-gateway simulator`: the WhatsApp simulator on its own, for tests, demos
 * and benchmarks. Its world (accounts, linked devices, groups, the phones'
 * Signal state) is kept in the data dir, so a restarted simulator still knows
 * the devices linked to it. It says loudly what it is, so nobody mistakes it
 * for WhatsApp.
 */
export async function runSimulator(config: Config, log: Logger): Promise<{ stop(): Promise<void> }> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const sim = await createSimulator({
    port: config.port,
    hostname: config.host,
    seed: config.simSeed,
    minClientVersion: config.simMinWaVersion,
    statePath: join(config.dataDir, "simulator-state.json"),
    onError: (message) => log.warn({ simulatorError: message }, "simulator handler failed"),
  });
  // Clients must trust the media host's certificate from their start (Bun reads NODE_EXTRA_CA_CERTS once).
  const mediaCertificate = join(config.dataDir, "simulator-media-ca.pem");
  if (sim.mediaCertificatePem) writeFileSync(mediaCertificate, sim.mediaCertificatePem);
  log.warn(
    {
      waUrl: sim.url,
      mediaCertificate,
      controlApi: `${sim.httpUrl}/sim`,
      trustKey: Buffer.from(sim.rootPublicKey).toString("base64"),
      seed: config.simSeed,
    },
    "WhatsApp SIMULATOR running: this is not WhatsApp. Point gateways at waUrl (--wa-url), trust trustKey (--wa-trust-key) and start them with NODE_EXTRA_CA_CERTS=mediaCertificate.",
  );
  return { stop: () => sim.stop() };
}
