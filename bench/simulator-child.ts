import type { Subprocess } from "bun";

/** What `bench/simulator-process.ts` prints when it is ready. */
export interface SimulatorChildInfo {
  url: string;
  httpUrl: string;
  /** The root public key, hex. */
  rootKey: string;
  pid: number;
}

/**
 * Starts the WhatsApp simulator in its own process (`bench/simulator-process.ts`) with the given receipt
 * delays, and waits for its address. Closing its stdin stops it.
 */
export async function spawnSimulatorChild(deliveredMs: number, readMs: number): Promise<{ proc: Subprocess<"pipe", "pipe", "inherit">; info: SimulatorChildInfo }> {
  const proc = Bun.spawn([process.execPath, `${import.meta.dir}/simulator-process.ts`, String(deliveredMs), String(readMs)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  let text = "";
  for await (const chunk of proc.stdout) {
    text += new TextDecoder().decode(chunk);
    if (text.includes("\n")) return { proc, info: JSON.parse(text.slice(0, text.indexOf("\n"))) as SimulatorChildInfo };
  }
  throw new Error("simulator process exited before it was ready");
}
