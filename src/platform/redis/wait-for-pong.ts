/**
 * Waits until a Redis unix socket answers PING with PONG. A server still loading
 * its AOF answers -LOADING, which counts as not ready yet.
 */
export async function waitForPong(socket: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error("redis-server exited during startup (see redis.log in the data dir)");
    if (await pingOnce(socket)) return;
    await Bun.sleep(10);
  }
  throw new Error(`Redis on ${socket} did not answer within ${timeoutMs} ms`);
}

function pingOnce(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = "";
    Bun.connect({
      unix: socket,
      socket: {
        open(s) {
          s.write("PING\r\n");
        },
        data(s, chunk) {
          reply += chunk.toString();
          if (reply.includes("\r\n")) {
            s.end();
            resolve(reply.startsWith("+PONG"));
          }
        },
        error() {
          resolve(false);
        },
        close() {
          resolve(reply.startsWith("+PONG"));
        },
        connectError() {
          resolve(false);
        },
      },
    }).catch(() => resolve(false));
  });
}
