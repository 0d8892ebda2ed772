import { afterAll, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { helpText } from "../../src/config/help.ts";
import { DEFAULT_WA_VERSION } from "../../src/config/wa-version.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const cwd = makeTempDir("wag-cfg-version-");
afterAll(() => cwd.remove());
const load = (argv: string[], env: Record<string, string> = {}) => loadConfig({ argv, env, cwd: cwd.path }).config;

test("--wa-version defaults to the pinned version, which --help shows as the default", () => {
  expect(load([]).waVersion).toEqual(DEFAULT_WA_VERSION);
  expect(helpText("test")).toMatch(/--wa-version=<value>\s+WA_VERSION\s+.*\n\s+default: 2\.3000\.1043857760/);
});

test("--wa-version and WA_VERSION take three dot-separated integers; the flag wins", () => {
  expect(load(["--wa-version=2.3000.1044017588"]).waVersion).toEqual([2, 3000, 1044017588]);
  expect(load([], { WA_VERSION: "2.3000.1050000000" }).waVersion).toEqual([2, 3000, 1050000000]);
  expect(load(["--wa-version", "2.3000.1"], { WA_VERSION: "2.3000.2" }).waVersion).toEqual([2, 3000, 1]);
});

test("a malformed version is a config error naming the flag or the variable and the format", () => {
  for (const bad of ["2.3000", "2.3000.1.4", "2,3000,1043857760", "v2.3000.1", "2.3000.x", "", "2.3000.4294967296"]) {
    expect(() => load([`--wa-version=${bad}`])).toThrow(ConfigError);
    expect(() => load([`--wa-version=${bad}`])).toThrow(/^--wa-version must be a WA Web version: three dot-separated integers like 2\.3000\.1234567890/);
  }
  expect(() => load([], { WA_VERSION: "latest" })).toThrow(/^WA_VERSION must be a WA Web version.*got "latest"/);
});

test("the simulator's --sim-min-wa-version parses the same way and is unset by default", () => {
  expect(load(["simulator"]).simMinWaVersion).toBeUndefined();
  expect(load(["simulator", "--sim-min-wa-version=2.3000.1043857761"]).simMinWaVersion).toEqual([2, 3000, 1043857761]);
  expect(() => load(["simulator", "--sim-min-wa-version=new"])).toThrow(/^--sim-min-wa-version must be a WA Web version/);
});
