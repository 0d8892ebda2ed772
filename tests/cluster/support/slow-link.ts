/**
 * An HTTP relay between one worker and the coordinator that can hold the
 * worker's heartbeats for a while before passing them on: a slow network or
 * a busy coordinator, with the worker itself (and its Redis leases) running
 * at full speed. Everything else goes through at once.
 */
export interface SlowLink {
  /** The URL to give the worker as --backend-url. */
  readonly url: string;
  /** How long each heartbeat is held (0: passed on at once). */
  heartbeatDelayMs: number;
  stop(): Promise<void>;
}

export function slowLink(coordinatorUrl: () => string): SlowLink {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    async fetch(request) {
      const url = new URL(request.url);
      if (link.heartbeatDelayMs > 0 && request.method === "PUT" && url.pathname.endsWith("/heartbeat")) await Bun.sleep(link.heartbeatDelayMs);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      return fetch(`${coordinatorUrl()}${url.pathname}${url.search}`, { method: request.method, headers, body });
    },
  });
  const link: SlowLink = {
    url: `http://127.0.0.1:${server.port}`,
    heartbeatDelayMs: 0,
    stop: () => server.stop(true),
  };
  return link;
}
