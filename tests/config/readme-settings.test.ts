import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { settingsTable } from "../../scripts/settings-table.ts";

test("the README's configuration table lists exactly the settings the gateway parses", () => {
  const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
  const table = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(readme)?.[1];
  expect(table).toBe(settingsTable());
});
