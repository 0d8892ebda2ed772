import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { createServer, type Server as NetServer } from "node:net";
import { join } from "node:path";
import { JobFailure } from "../../src/contracts/jobs/job-failure.ts";
import { downloadUrl, fetchMedia, type FetchMediaOptions } from "../../src/media/download.ts";
import { vetHost } from "../../src/media/host.ts";
import { selfSignedCert } from "../../src/simulator/media/self-signed-cert.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const local = { maxBytes: 1000, allowPrivateUrls: true, timeoutMs: 5000, resolve: async () => ["127.0.0.1"] } satisfies FetchMediaOptions;

/** The JobFailure fetchMedia throws, as { code, message }. */
async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await promise.then(
    () => new Error("resolved"),
    (e: unknown) => e,
  );
  if (!(err instanceof JobFailure)) throw err;
  return { code: err.code, message: err.message };
}

let server: ReturnType<typeof Bun.serve>;
const hits: string[] = [];
let base: string;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      hits.push(path);
      switch (path) {
        case "/files/photo%20one.jpg":
          return new Response("jpeg bytes", { headers: { "content-type": "image/jpeg" } });
        case "/download":
          return new Response("pdf bytes", { headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="../report.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` } });
        case "/big":
          return new Response("x".repeat(1001));
        case "/endless":
          // No Content-Length: chunks keep coming until the client hangs up.
          return new Response(new ReadableStream({ pull: async (c) => { c.enqueue(new Uint8Array(256)); await Bun.sleep(1); } }));
        case "/stall-headers":
          await Bun.sleep(10_000);
          return new Response("late");
        case "/stall-body":
          return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("partial")) }));
        case "/missing":
          return new Response("no", { status: 404 });
        case "/hop":
          return Response.redirect(`/hop2?n=1`, 302);
        case "/hop2":
          return Response.redirect(`http://cdn.test:${server.port}/files/photo%20one.jpg`, 307);
        case "/loop":
          return Response.redirect("/loop", 302);
        case "/to-private":
          return Response.redirect(`http://127.0.0.1:${server.port}/secret`, 302);
        case "/to-file":
          return Response.redirect("file:///etc/passwd", 302);
        default:
          return new Response("secret");
      }
    },
  });
  base = `http://media.test:${server.port}`;
});
afterAll(() => server.stop(true));

describe("base64", () => {
  test("plain base64 decodes; a data: URL gives its media type too", async () => {
    expect(await fetchMedia(Buffer.from("hello").toString("base64"), local)).toEqual({ data: new Uint8Array(Buffer.from("hello")) });
    const got = await fetchMedia(`data:audio/ogg; codecs=opus;base64,${Buffer.from("voice").toString("base64")}`, local);
    expect([Buffer.from(got.data).toString(), got.mimetype]).toEqual(["voice", "audio/ogg; codecs=opus"]);
  });

  test("too large, not base64, another scheme", async () => {
    expect(await failureOf(fetchMedia(Buffer.alloc(1001).toString("base64"), local))).toMatchObject({ code: "MEDIA_TOO_LARGE", message: expect.stringContaining("data.media: decodes to 1001 bytes") });
    expect((await failureOf(fetchMedia("not base64!", local))).code).toBe("MEDIA_INVALID");
    expect((await failureOf(fetchMedia("ftp://example.com/a.jpg", local))).code).toBe("MEDIA_INVALID");
  });
});

describe("URLs", () => {
  test("downloads with the Content-Type as mimetype and the path's last segment as file name", async () => {
    const got = await fetchMedia(`${base}/files/photo%20one.jpg?token=s3cret`, local);
    expect({ ...got, data: Buffer.from(got.data).toString() }).toEqual({ data: "jpeg bytes", mimetype: "image/jpeg", fileName: "photo one.jpg" });
  });

  test("Content-Disposition names the file (filename* first, never a path)", async () => {
    expect((await fetchMedia(`${base}/download`, local)).fileName).toBe("résumé.pdf");
  });

  test("private addresses are refused unless allowed, before any connection", async () => {
    hits.length = 0;
    const strict = { ...local, allowPrivateUrls: false };
    expect(await failureOf(fetchMedia(`${base}/a.jpg`, strict))).toMatchObject({ code: "MEDIA_URL_FORBIDDEN", message: expect.stringContaining("resolves to 127.0.0.1") });
    expect((await failureOf(fetchMedia(`http://127.0.0.1:${server.port}/a.jpg`, strict))).code).toBe("MEDIA_URL_FORBIDDEN");
    expect(hits).toEqual([]);
  });

  test("the connection goes to the checked address even when the name resolves differently afterwards", async () => {
    // localhost is 127.0.0.1 to the system resolver; the checked answer is 127.0.0.2. Any second resolution lands on 127.0.0.1.
    const rebound = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("rebound") });
    const checked = Bun.serve({ hostname: "127.0.0.2", port: rebound.port, fetch: () => new Response("checked") });
    try {
      const answers = [["127.0.0.2"], ["127.0.0.1"]];
      let calls = 0;
      const resolve = async () => answers[Math.min(calls++, 1)] ?? [];
      const got = await fetchMedia(`http://localhost:${rebound.port}/x`, { ...local, resolve });
      expect([Buffer.from(got.data).toString(), calls]).toEqual(["checked", 1]);
      expect(await (await fetch(`http://localhost:${rebound.port}/x`)).text()).toBe("rebound"); // what an unpinned fetch would get
    } finally {
      checked.stop(true);
      rebound.stop(true);
    }
  });

  test("redirects are followed, each hop resolved and checked", async () => {
    const asked: string[] = [];
    const resolve = async (host: string) => (asked.push(host), ["127.0.0.1"]);
    const got = await fetchMedia(`${base}/hop`, { ...local, resolve });
    expect([Buffer.from(got.data).toString(), got.fileName, asked]).toEqual(["jpeg bytes", "photo one.jpg", ["media.test", "media.test", "cdn.test"]]);
    expect(await failureOf(fetchMedia(`${base}/loop`, local))).toMatchObject({ code: "MEDIA_FETCH_FAILED", message: expect.stringContaining("more than 5 redirects") });
    expect((await failureOf(fetchMedia(`${base}/to-file`, local))).code).toBe("MEDIA_URL_FORBIDDEN");
  });

  test("a redirect to a private address is refused without connecting to it", async () => {
    hits.length = 0;
    // The first host passes as if public (no public address can serve a test); later hops get the real check.
    const vet = async (url: URL) => (url.hostname === "media.test" ? { addresses: ["127.0.0.1"] } : vetHost(url, { allowPrivateUrls: false }));
    expect(await failureOf(downloadUrl(new URL(`${base}/to-private`), local, vet))).toMatchObject({ code: "MEDIA_URL_FORBIDDEN", message: expect.stringContaining('host "127.0.0.1" is a private') });
    expect(hits).toEqual(["/to-private"]);
  });

  test("too large: by Content-Length, or while streaming without one", async () => {
    expect(await failureOf(fetchMedia(`${base}/big`, local))).toMatchObject({ code: "MEDIA_TOO_LARGE", message: expect.stringContaining("1001 bytes (Content-Length)") });
    const started = performance.now();
    expect(await failureOf(fetchMedia(`${base}/endless`, { ...local, timeoutMs: 10_000 }))).toMatchObject({ code: "MEDIA_TOO_LARGE", message: expect.stringContaining("the download passed") });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("retryable failures: timeout (before or during the body), non-2xx, refused connection, unresolvable host", async () => {
    const quick = { ...local, timeoutMs: 200 };
    for (const path of ["/stall-headers", "/stall-body"]) {
      expect([path, await failureOf(fetchMedia(`${base}${path}`, quick))]).toEqual([path, { code: "MEDIA_FETCH_FAILED", message: `MEDIA_FETCH_FAILED: data.media: the download from host "media.test" did not finish within 200 ms` }]);
    }
    expect(await failureOf(fetchMedia(`${base}/missing`, local))).toMatchObject({ code: "MEDIA_FETCH_FAILED", message: expect.stringContaining("HTTP 404") });
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    closed.stop(true);
    expect((await failureOf(fetchMedia(`http://media.test:${closed.port}/a?key=s3cret`, local))).message).not.toContain("s3cret");
    expect((await failureOf(fetchMedia(`http://media.test:${closed.port}/a`, local))).code).toBe("MEDIA_FETCH_FAILED");
    const unresolvable = { ...local, resolve: async () => Promise.reject(new Error("ENOTFOUND")) };
    expect((await failureOf(fetchMedia(`${base}/a`, unresolvable))).code).toBe("MEDIA_FETCH_FAILED");
  });

  test("a body cut short of its Content-Length fails rather than returning part of it", async () => {
    const raw: NetServer = createServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    try {
      const port = (raw.address() as { port: number }).port;
      expect((await failureOf(fetchMedia(`http://media.test:${port}/a`, local))).code).toBe("MEDIA_FETCH_FAILED");
    } finally {
      raw.close();
    }
  });
});

describe("https", () => {
  const dir = makeTempDir("wag-media-");
  const identity = selfSignedCert("download-test", "media.test");
  const caFile = join(dir.path, "ca.pem");
  writeFileSync(caFile, identity.cert);
  afterAll(() => dir.remove());

  /** fetchMedia in a child process (NODE_EXTRA_CA_CERTS is read at start), each host resolved to 127.0.0.1. */
  async function inChild(extraCa: string | undefined, urls: string[]): Promise<unknown[]> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", FETCH_CASES: JSON.stringify(urls.map((media) => ({ media, resolveTo: "127.0.0.1" }))) };
    if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "support/fetch-media-child.ts")], { env, stdout: "pipe", stderr: "inherit" });
    const out = await new Response(child.stdout).text();
    await child.exited;
    return JSON.parse(out) as unknown[];
  }

  test("verifies the certificate against the URL's hostname, trusting NODE_EXTRA_CA_CERTS", async () => {
    const tls = Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: identity.cert, key: identity.key }, fetch: (req) => new Response(`over tls to ${req.headers.get("host")}`, { headers: { "content-type": "text/plain" } }) });
    try {
      const good = `https://media.test:${tls.port}/a.txt`;
      const wrongName = `https://other.test:${tls.port}/a.txt`;
      const [trusted, untrusted] = await Promise.all([inChild(caFile, [good, wrongName]), inChild(undefined, [good])]);
      expect(trusted).toEqual([
        { text: `over tls to media.test:${tls.port}`, mimetype: "text/plain" },
        { code: "MEDIA_FETCH_FAILED", message: expect.stringContaining('host "other.test" failed') },
      ]);
      expect(untrusted).toEqual([{ code: "MEDIA_FETCH_FAILED", message: expect.stringContaining('host "media.test" failed') }]);
    } finally {
      tls.stop(true);
    }
  });
});
