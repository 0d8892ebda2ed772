/** A local HTTP server for SEND_MEDIA's URL form: serves the files a test adds, and counts what was asked. */
export interface FileServer {
  /** Serves `bytes` at `path` with `contentType` (answering only once `gate` resolves, if given); returns the URL. */
  add(path: string, bytes: Uint8Array, contentType: string, gate?: Promise<void>): string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export function serveFiles(): FileServer {
  const files = new Map<string, { bytes: Uint8Array; contentType: string; gate?: Promise<void> }>();
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const file = files.get(path);
      await file?.gate;
      return file ? new Response(file.bytes, { headers: { "content-type": file.contentType } }) : new Response("not found", { status: 404 });
    },
  });
  return {
    add(path, bytes, contentType, gate) {
      files.set(path, { bytes, contentType, ...(gate && { gate }) });
      return `http://127.0.0.1:${server.port}${path}`;
    },
    requests,
    stop: () => server.stop(true),
  };
}
