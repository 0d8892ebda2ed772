import type { Subprocess } from "bun";
import { join } from "node:path";
import { waitForPong } from "../../src/platform/redis/wait-for-pong.ts";
import { makeTempDir } from "./temp-dir.ts";

export interface TestRedis {
  url: string;
  socket: string;
  stop(): Promise<void>;
}

/** A private redis-server on a unix socket, for tests that need an external REDIS_URL. */
export async function startTestRedis(extraArgs: string[] = []): Promise<TestRedis> {
  const dir = makeTempDir("wag-redis-");
  const socket = join(dir.path, "redis.sock");
  const proc: Subprocess = Bun.spawn(
    ["redis-server", "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--dir", dir.path, "--save", "", "--appendonly", "no", ...extraArgs],
    { stdio: ["ignore", "ignore", "ignore"] },
  );
  await waitForPong(socket, 10_000);
  return {
    url: `unix://${socket}`,
    socket,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      dir.remove();
    },
  };
}
