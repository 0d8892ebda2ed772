import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");

test("the Dockerfile pins the same Bun as the project and keeps the runtime stage safe", () => {
  const pinned = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.bun;
  expect(dockerfile).toContain(`bun@${pinned}`);
  expect(readFileSync(join(root, "scripts/bootstrap.sh"), "utf8")).toContain(`BUN_VERSION=${pinned}`);
  const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  expect(runtime).toMatch(/\nUSER (?!root)\w+/);
  expect(runtime).toContain('VOLUME ["/data"]');
  expect(runtime).toMatch(/HEALTHCHECK[^\n]*\n[^\n]*\/health/);
  expect(runtime).toContain("redis-server");
  // Everything the build stage copies must exist, or `docker build` fails.
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const path of m[1]!.split(" ")) expect(existsSync(join(root, path))).toBe(true);
  }
});

test("scripts/container-smoke.sh (the Dockerfile's steps without Docker) passes", async () => {
  const proc = Bun.spawn(["sh", join(root, "scripts/container-smoke.sh")], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SMOKE_PORT: String(20000 + Math.floor(Math.random() * 20000)) } });
  const [out, err, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (status !== 0) console.error(out, err);
  expect(status).toBe(0);
  expect(out).toContain("container smoke: ok");
}, 120_000);
