/**
 * `bun run build`: compiles the gateway into one executable, dist/wa-gateway.
 * --production bakes NODE_ENV=production; --bytecode needs --format=esm (the
 * code uses top-level await). The binary does not autoload .env or bunfig.toml:
 * the config module reads .env itself, with the environment taking precedence.
 * --compile-exec-argv bakes in the runtime flags the gateway needs (request-guard.ts).
 * Pass `--target=bun-linux-arm64` (etc.) to cross-compile.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BUN_HEAD_FLAG } from "../src/http/request-guard.ts";

const root = join(import.meta.dir, "..");
const outfile = process.env.WAG_BUILD_OUTFILE ?? join(root, "dist/wa-gateway");
mkdirSync(join(outfile, ".."), { recursive: true });

const args = [
  "build",
  join(root, "src/main.ts"),
  "--compile",
  "--production",
  "--minify",
  "--bytecode",
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  `--compile-exec-argv=${BUN_HEAD_FLAG}`,
  `--outfile=${outfile}`,
  ...process.argv.slice(2),
];
const started = performance.now();
const result = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
if (result.exitCode !== 0) process.exit(result.exitCode ?? 1);
const size = Bun.file(outfile).size;
console.log(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MB) in ${Math.round(performance.now() - started)} ms`);
