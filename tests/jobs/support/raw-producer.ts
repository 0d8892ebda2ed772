import { join } from "node:path";
import { makeTempDir } from "../../support/temp-dir.ts";

const SCRIPT = join(import.meta.dir, "../fixtures/raw-producer.ts");

export interface RawJob {
  name: string;
  data: unknown;
  opts?: Record<string, unknown>;
}

/** Adds jobs from a second process with a plain BullMQ client; returns their ids in order. */
export async function addFromAnotherProcess(socket: string, jobs: RawJob[]): Promise<string[]> {
  const dir = makeTempDir("wag-raw-");
  try {
    const file = join(dir.path, "jobs.json");
    await Bun.write(file, JSON.stringify(jobs));
    const proc = Bun.spawn([process.execPath, SCRIPT, socket, file], { stdio: ["ignore", "pipe", "pipe"] });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) throw new Error(`raw producer exited with ${code}: ${err}`);
    return JSON.parse(out) as string[];
  } finally {
    dir.remove();
  }
}
