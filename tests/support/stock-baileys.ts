import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Stock Baileys 7.0.0-rc14, as npm ships it, beside the patched copy the gateway uses: the patched
 * package with our patch set (patches/) applied in reverse. Tests load it to show what each patch
 * hunk fixes: a check passes with the patched client and fails with this one against the same
 * simulator. It lives inside node_modules so that its own imports (libsignal, ws, …) resolve.
 */
const ROOT = join(import.meta.dir, "../..");
const PATCHED = join(ROOT, "node_modules/@whiskeysockets/baileys");
const PATCH = join(ROOT, "patches/@whiskeysockets%2Fbaileys@7.0.0-rc14.patch");
const STOCK = join(ROOT, "node_modules/.wag-stock-baileys");

/** The stock package's directory, made once per patch (a stamp records which patch it reverses). */
export function stockBaileysDir(): string {
  const patch = readFileSync(PATCH, "utf8");
  const stamp = join(STOCK, ".reversed-patch");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === patch) return STOCK;
  // Built beside and renamed into place, so parallel test files never see half a copy.
  const building = `${STOCK}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  cpSync(PATCHED, building, { recursive: true });
  // The ceiling keeps git from finding this repository above node_modules: inside a work tree it would
  // skip the (ignored) files and report success.
  const reversed = Bun.spawnSync(["git", "apply", "-R", PATCH], {
    cwd: building,
    env: { ...process.env, GIT_CEILING_DIRECTORIES: join(ROOT, "node_modules") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (reversed.exitCode !== 0) throw new Error(`could not reverse the Baileys patch set: ${reversed.stderr.toString()}`);
  writeFileSync(join(building, ".reversed-patch"), patch);
  rmSync(STOCK, { recursive: true, force: true });
  try {
    renameSync(building, STOCK);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another test file won the race; its copy is the same
  }
  return STOCK;
}

/** `import()` of stock rc14's entry point (the same shape as `@whiskeysockets/baileys`). */
export async function importStockBaileys(): Promise<typeof import("@whiskeysockets/baileys")> {
  return (await import(join(stockBaileysDir(), "lib/index.js"))) as typeof import("@whiskeysockets/baileys");
}

/** Stock rc14's Curve (Utils/crypto.js), to show the signature flaw itself. */
export async function importStockCurve(): Promise<{ verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean }> {
  const mod = (await import(join(stockBaileysDir(), "lib/Utils/crypto.js"))) as { Curve: { verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean } };
  return mod.Curve;
}
