import { SETTINGS, type SettingInput } from "./settings.ts";
import { ConfigError } from "./config-error.ts";

export type Command = "run" | "help" | "version" | "simulator";

interface CommandLine {
  command: Command;
  /** Raw flag values by flag name, e.g. { "data-dir": "/tmp/x" }. */
  flags: Map<string, string>;
}

const BY_FLAG = new Map<string, SettingInput<unknown>>(
  Object.values(SETTINGS).flatMap((s): [string, SettingInput<unknown>][] => (s.flag ? [[s.flag, s]] : [])),
);

/** Accepts `--name=value`, `--name value`, and bare `--switch` for boolean settings. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const flags = new Map<string, string>();
  let command: Command = "run";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return { command: "help", flags };
    if (arg === "--version" || arg === "-v") return { command: "version", flags };
    if (!arg.startsWith("--")) {
      if (arg === "help" || arg === "version" || arg === "simulator") {
        command = arg;
        continue;
      }
      throw new ConfigError(`unexpected argument "${arg}" (see --help)`);
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const setting = BY_FLAG.get(name);
    if (!setting) throw new ConfigError(`unknown flag --${name} (see --help)`);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      const next = argv[i + 1];
      if (setting.switch && (next === undefined || next.startsWith("--"))) value = "true";
      else if (next === undefined) throw new ConfigError(`--${name} needs a value`);
      else value = argv[++i]!;
    }
    flags.set(name, value);
  }
  return { command, flags };
}
