import type { Command } from "./command-line.ts";
import { SETTINGS, type Exception, type OptionalSetting, type SecretSetting, type Setting, type SettingInput } from "./settings.ts";

/** What a default may depend on besides the settings themselves. */
export interface DefaultContext {
  command: Command;
  /** Safe for a worker id. */
  hostname: string;
  /** The final value of the setting with this flag, and how it reads as input (so it can fill a template). */
  value(flag: string): { value: unknown; text: string };
}

/** How `value` reads as input: what --help and the README show, and what the setting's parser reads back. */
export const formatValue = <T>(s: SettingInput<T>, value: T): string => s.parse.format?.(value) ?? String(value);

const matches = (when: Exception<unknown>["when"], ctx: DefaultContext): boolean =>
  "command" in when ? ctx.command === when.command : ctx.value("role").value === when.role;

/** The one place a setting's default becomes a value. */
export function defaultValue<T>(s: Setting<T>, ctx: DefaultContext): T {
  const d = s.default;
  if ("value" in d) return (d.unless?.find((e) => matches(e.when, ctx)) ?? d).value;
  // Derived defaults go through the parser like input, so they are checked like input too.
  if ("template" in d) return s.parse(d.template.replace(/<([a-z-]+)>/g, (_, name: string) => (name === "hostname" ? ctx.hostname : ctx.value(name).text)));
  const base = ctx.value(d.of).value;
  if (typeof base !== "number") throw new Error(`--${d.of} is not a number, so ${s.env} cannot default to a multiple of it`);
  // Numeric parsers read a bare number in the unit the value is kept in (ms, bytes, a count).
  return s.parse(String(d.times * base));
}

/** The default as --help and the README say it, derived from the same declaration `defaultValue` reads. */
export function defaultText(s: AnySetting): string {
  if ("unset" in s) return `(${s.unset})`;
  if ("generatedBy" in s) return `(generated in ${s.generatedBy.map((role) => `--role=${role}`).join(" or ")})`;
  const d = s.default;
  if ("template" in d) return d.template;
  if ("times" in d) return `${d.times} × --${d.of}`;
  const shown = d.note ? `${formatValue(s, d.value)} (${d.note})` : formatValue(s, d.value);
  const exceptions = (d.unless ?? []).map((e) => `${formatValue(s, e.value)} for ${"command" in e.when ? e.when.command : `--role=${e.when.role}`}`);
  return exceptions.length > 0 ? `${shown} (${exceptions.join(", ")})` : shown;
}

type AnySetting = Setting<unknown> | OptionalSetting<unknown> | SecretSetting<unknown>;

export function settingByFlag(flag: string): AnySetting {
  const found = Object.values(SETTINGS).find((s) => s.flag === flag);
  if (!found) throw new Error(`a default refers to --${flag}, which no setting has`);
  return found;
}
