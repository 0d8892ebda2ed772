import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { selfSignedCert } from "../simulator/media/self-signed-cert.ts";

/** The simulator listens on loopback in a sandbox; its media certificate names this host. */
export const SANDBOX_HOST = "127.0.0.1";

const sandboxCaPath = (dataDir: string): string => join(dataDir, "sandbox", "media-ca.pem");

/**
 * Bun reads NODE_EXTRA_CA_CERTS only when the process starts, and Baileys
 * uploads and downloads media over HTTPS, so a sandbox gateway must already
 * trust the simulator's media certificate when it starts. The certificate is a
 * pure function of the seed and host, so it can be written before the
 * simulator exists. Returns the environment to re-run this process with, or
 * null when the process already trusts it. Certificates the operator already
 * trusts through NODE_EXTRA_CA_CERTS are kept in the file.
 */
export function sandboxTrustEnv(config: Pick<Config, "sandbox" | "dataDir" | "simSeed" | "extraCaCerts">): { NODE_EXTRA_CA_CERTS: string } | null {
  const path = sandboxCaPath(config.dataDir);
  if (!config.sandbox || config.extraCaCerts === path) return null;
  mkdirSync(join(config.dataDir, "sandbox"), { recursive: true, mode: 0o700 });
  const own = selfSignedCert(config.simSeed, SANDBOX_HOST).cert;
  const theirs = config.extraCaCerts ? readFileSync(config.extraCaCerts, "utf8") : "";
  writeFileSync(path, `${theirs}${theirs.endsWith("\n") || !theirs ? "" : "\n"}${own}`, { mode: 0o600 });
  return { NODE_EXTRA_CA_CERTS: path };
}
