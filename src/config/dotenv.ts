import { existsSync, readFileSync } from "node:fs";

/**
 * Reads a .env file: KEY=value lines, `#` comments, optional `export `, and
 * single- or double-quoted values. Bun's own autoload is turned off
 * (bunfig `env = false`, `--no-compile-autoload-dotenv`) so that the real
 * environment always wins over this file, in every way the gateway is run.
 */
export function readDotenv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, "\n") : quoted[2]!;
    else value = value.replace(/\s+#.*$/, "");
    values[m[1]!] = value;
  }
  return values;
}
