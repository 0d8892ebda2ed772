import { afterAll, beforeAll, expect, test } from "bun:test";
import pino from "pino";
import { loadConfig } from "../../src/config/config.ts";
import { helpText } from "../../src/config/help.ts";
import { runSimulator } from "../../src/simulator/run-simulator.ts";
import { DEFAULT_WA_VERSION } from "../../src/config/wa-version.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { endClient, memoryAuth, nextEvent, startClient, waitForClose, type SimEndpoint } from "./support/baileys-client.ts";

// `wa-gateway simulator --sim-min-wa-version`, from the command line to the refusal, in-process.
const MINIMUM = [DEFAULT_WA_VERSION[0], DEFAULT_WA_VERSION[1], DEFAULT_WA_VERSION[2] + 1] as const;
const data = makeTempDir("wag-sim-version-");
const lines: string[] = [];
let sim: { stop(): Promise<void> };
let endpoint: SimEndpoint;

beforeAll(async () => {
  const argv = ["simulator", "--port=0", "--sim-seed=cmd-min-version", `--data-dir=${data.path}`, `--sim-min-wa-version=${MINIMUM.join(".")}`];
  const { config } = loadConfig({ argv, env: {}, cwd: data.path });
  sim = await runSimulator(config, pino({ level: "info" }, { write: (line: string) => void lines.push(line) }));
  const started = JSON.parse(lines.find((l) => l.includes("SIMULATOR running")) ?? "{}") as { waUrl: string; trustKey: string };
  endpoint = { url: started.waUrl, rootPublicKey: Buffer.from(started.trustKey, "base64") };
});
afterAll(async () => {
  await sim.stop();
  data.remove();
});

test("wa-gateway simulator --help lists --sim-min-wa-version", () => {
  expect(helpText("test")).toContain("--sim-min-wa-version=<value>");
});

test("with --sim-min-wa-version the simulator refuses older clients with 405 and lets the minimum register", async () => {
  expect(await waitForClose(startClient(endpoint, memoryAuth()))).toBe(405);
  const current = startClient(endpoint, memoryAuth(), { version: [...MINIMUM] });
  try {
    expect(await nextEvent(current, "connection.update", (u) => !!u.qr)).toHaveProperty("qr");
  } finally {
    endClient(current);
  }
});
