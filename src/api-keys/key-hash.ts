import { createHmac, hkdfSync } from "node:crypto";

/**
 * Scoped API keys are random (192 bits), so a fast keyed hash is the right way to keep them: HMAC-SHA256
 * under a subkey of DATA_KEY. Nobody can test guesses against a copy of the database without DATA_KEY,
 * and the lookup costs microseconds on every request.
 */
export function keyHasher(dataKey: Uint8Array): (key: string) => string {
  const subkey = Buffer.from(hkdfSync("sha256", dataKey, new Uint8Array(0), "wa-gateway api-key hash", 32));
  return (key) => createHmac("sha256", subkey).update(key).digest("hex");
}
