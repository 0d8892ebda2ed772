import { defaultText } from "./defaults.ts";
import { SETTINGS } from "./settings.ts";

/** The --help text, generated from the settings table so it can never drift from what is parsed. */
export function helpText(version: string): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const flag = s.flag ? `--${s.flag}${s.switch ? "" : "=<value>"}` : "(env only)";
    return `  ${flag.padEnd(28)} ${s.env.padEnd(20)} ${s.help}\n  ${"".padEnd(28)} ${"".padEnd(20)} default: ${defaultText(s)}`;
  });
  return [
    `wa-gateway ${version}: a WhatsApp gateway in one executable.`,
    "",
    "Usage:",
    "  wa-gateway [--role=all|coordinator|worker] [options]",
    "  wa-gateway simulator [--port=<port>] [--sim-seed=<seed>]  a local WhatsApp simulator for tests and demos",
    "  wa-gateway --help | --version",
    "",
    "Each setting is read from its flag, then its environment variable, then .env",
    "in the working directory, then its default. Secrets have no flag: flags show up in `ps`.",
    "",
    `  ${"FLAG".padEnd(28)} ${"ENV".padEnd(20)} MEANING`,
    ...rows,
    "",
    "Exit status: 0 after a clean shutdown, 2 for a configuration error, 1 for a failure at run time.",
    "",
  ].join("\n");
}
