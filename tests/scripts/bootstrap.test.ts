import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUN_HEAD_FLAG } from "../../src/http/request-guard.ts";
import { makeTempDir } from "../support/temp-dir.ts";

/**
 * The README's two commands on a machine that lacks redis-server and Chromium,
 * run as they are run (`npm test`, `npm start`, i.e. POSIX `sh`), in a copy of
 * the scripts with stand-ins for apt-get, id and the pinned Bun. Nothing of
 * this machine's own state (its Chromium, its Redis, its .tools/) takes part.
 */
const ROOT = join(import.meta.dir, "../..");
const HIDDEN = new Set(["chromium", "chromium-browser", "redis-server", "apt-get", "id"]);
const dirs: { remove(): void }[] = [];
afterAll(() => { for (const d of dirs) d.remove(); });

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A PATH of every command this machine has, less the hidden ones, plus the stand-ins. */
function strippedPath(bin: string): string {
  const system = join(bin, "..", "system");
  mkdirSync(system);
  for (const dir of ["/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (HIDDEN.has(name) || existsSync(join(system, name))) continue;
      symlinkSync(join(dir, name), join(system, name));
    }
  }
  return `${bin}:${system}`;
}

function fakeMachine(uid: number) {
  const dir = makeTempDir("wag-bootstrap-");
  dirs.push(dir);
  const root = join(dir.path, "repo");
  const bin = join(dir.path, "bin");
  const log = join(dir.path, "calls.log");
  mkdirSync(join(root, "scripts"), { recursive: true });
  mkdirSync(join(root, ".tools/node_modules/.bin"), { recursive: true });
  mkdirSync(bin);
  for (const f of ["bootstrap.sh", "test.sh", "start.sh"]) copyFileSync(join(ROOT, "scripts", f), join(root, "scripts", f));
  copyFileSync(join(ROOT, "package.json"), join(root, "package.json"));
  script(join(bin, "apt-get"), `echo "apt-get $*" >> "${log}"`);
  script(join(bin, "id"), `[ "\${1:-}" = -u ] && echo ${uid} || echo "uid=${uid}"`);
  script(join(root, ".tools/node_modules/.bin/bun"), `[ "\${1:-}" = --version ] && { echo 1.4.5; exit 0; }\necho "bun $*" >> "${log}"`);
  const path = strippedPath(bin);
  const run = (npmScript: "test" | "start") => {
    const proc = Bun.spawnSync(["npm", "run", "--silent", npmScript], {
      cwd: root,
      env: { PATH: path, HOME: dir.path, npm_config_update_notifier: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    return { status: proc.exitCode, stderr: proc.stderr.toString(), calls };
  };
  return { run };
}

const installs = (calls: string[]) => calls.filter((c) => c.startsWith("apt-get install")).join(" ").split(/\s+/);

describe("bootstrap on a machine with only Node.js and npm", () => {
  test("the stripped PATH really lacks chromium and redis-server", () => {
    const dir = makeTempDir("wag-path-");
    dirs.push(dir);
    const bin = join(dir.path, "bin");
    mkdirSync(bin);
    const path = strippedPath(bin);
    const which = (cmd: string) => Bun.spawnSync(["sh", "-c", `command -v ${cmd}`], { env: { PATH: path } }).exitCode;
    expect(which("chromium")).not.toBe(0);
    expect(which("redis-server")).not.toBe(0);
    expect(which("npm")).toBe(0);
  });

  test("npm test, as root, installs redis-server and Chromium, then builds and tests", () => {
    const { status, stderr, calls } = fakeMachine(0).run("test");
    expect(stderr).not.toContain("missing:");
    expect(status).toBe(0);
    const pkgs = installs(calls);
    expect(pkgs).toContain("redis-server");
    expect(pkgs).toContain("chromium");
    expect(calls).toContain("bun install --frozen-lockfile");
    expect(calls).toContain("bun run build");
    expect(calls.some((c) => c.startsWith("bun test"))).toBe(true);
  });

  test("npm start, as root, installs redis-server only, then starts --role=all", () => {
    const { status, calls } = fakeMachine(0).run("start");
    expect(status).toBe(0);
    const pkgs = installs(calls);
    expect(pkgs).toContain("redis-server");
    expect(pkgs).not.toContain("chromium");
    expect(calls).toContain(`bun ${BUN_HEAD_FLAG} src/main.ts --role=all`);
  });

  test("as another user, npm test stops and names what to install", () => {
    const { status, stderr, calls } = fakeMachine(1000).run("test");
    expect(status).not.toBe(0);
    expect(stderr).toContain("missing: redis-server chromium");
    expect(calls.filter((c) => c.startsWith("apt-get"))).toEqual([]);
    expect(calls.some((c) => c.startsWith("bun test"))).toBe(false);
  });
});
