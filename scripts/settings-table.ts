/**
 * Prints the README's configuration table from the settings module, so the
 * README cannot drift from what the gateway parses (a test compares them).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultText } from "../src/config/defaults.ts";
import { SETTINGS } from "../src/config/settings.ts";

/** Escapes what Markdown tables and HTML would otherwise eat: pipes and <placeholders>. */
const md = (text: string) => text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const flag = s.flag ? `\`--${s.flag}\`` : "—";
    return `| ${flag} | \`${s.env}\` | ${md(defaultText(s))} | ${md(s.help)} |`;
  });
  return ["| flag | env | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

// `--write` puts the table into README.md between its markers; with no flag it is printed.
if (import.meta.main) {
  if (process.argv.includes("--write")) {
    const readme = join(import.meta.dir, "../README.md");
    const text = readFileSync(readme, "utf8");
    const next = text.replace(/(<!-- settings:start -->\n)[\s\S]*?(\n<!-- settings:end -->)/, `$1${settingsTable()}$2`);
    if (next === text && !text.includes(settingsTable())) throw new Error("README.md has no <!-- settings:start --> … <!-- settings:end --> block");
    writeFileSync(readme, next);
  } else console.log(settingsTable());
}
