/**
 * Prints the README's configuration table from the settings module, so the
 * README cannot drift from what the gateway parses (a test compares them).
 */
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

if (import.meta.main) console.log(settingsTable());
