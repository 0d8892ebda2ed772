import { Elysia, type AnyElysia } from "elysia";
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { requires } from "../http/auth.ts";
import type { Logger } from "../platform/logger.ts";
import { createSimulator } from "../simulator/create-simulator.ts";
import { SANDBOX_HOST } from "./sandbox-trust.ts";

interface Sandbox {
  /** Where the gateway's workers connect, and the root key they trust. */
  waUrl: string;
  trustKey: Uint8Array;
  /** The simulator's control API under /sim, behind the integrator API key. */
  plugin: AnyElysia;
  stop(): Promise<void>;
}

/**
 * `--sandbox`: the project's WhatsApp simulator, in-process, with the
 * gateway's workers pointed at it, so an integrator can try the whole API
 * with no phone: create a session, scan its QR with a simulated phone through
 * /sim, send and receive. It keeps its world in the data dir across restarts.
 */
export async function startSandbox(config: Pick<Config, "dataDir" | "simSeed">, log: Logger): Promise<Sandbox> {
  const sim = await createSimulator({
    port: 0,
    hostname: SANDBOX_HOST,
    // Only the gateway's /sim, behind the API key, reaches the control API; the simulator's own
    // loopback port serves the WhatsApp socket alone.
    controlHttp: false,
    seed: config.simSeed,
    statePath: join(config.dataDir, "sandbox", "simulator-state.json"),
    onError: (message) => log.warn({ simulatorError: message }, "sandbox simulator handler failed"),
  });
  log.warn(
    { waUrl: sim.url, controlApi: "/sim", seed: config.simSeed },
    "SANDBOX MODE: sessions connect to the built-in WhatsApp simulator, NOT to WhatsApp. Nothing you send here reaches a real phone.",
  );
  const plugin = new Elysia({ detail: { tags: ["Sandbox"], ...requires("integrator") } })
    .use(sim.controlApp);
  return { waUrl: sim.url, trustKey: sim.rootPublicKey, plugin, stop: () => sim.stop() };
}
