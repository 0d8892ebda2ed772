import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { spawnGatewayOnTestRedis, type GatewayOnRedis } from "../support/gateway-process.ts";
import { openRaw, parseRawResponse, rawRequest, type RawResponse } from "../support/raw-http.ts";

/*
 * What request bodies can make the gateway hold (src/http/body-limit.ts), on the real gateway with its
 * default limits: MAX_BODY_SIZE (25 MB) on the media upload route only, MAX_NON_MEDIA_BODY_SIZE (1 MB)
 * elsewhere, and MAX_INFLIGHT_BODY_SIZE (4 × 25 MB) for all bodies at once. Raw sockets, to send a body
 * slowly and see when the answer comes and that the connection closes.
 */
const API_KEY = "body-limits-api-key-0123456789";
const MB = 1024 * 1024;
const TEXT = "/api/v1/sessions/body-limits/messages/text";
const MEDIA = "/api/v1/sessions/body-limits/messages/media";
let world: GatewayOnRedis;
beforeAll(async () => {
  world = await spawnGatewayOnTestRedis({ env: { API_KEY } });
}, 60_000);
afterAll(() => world?.stop());

const head = (path: string, framing: string, auth = true) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\n${auth ? `Authorization: Bearer ${API_KEY}\r\n` : ""}Content-Type: application/json\r\n${framing}\r\n`;
/** A JSON body of about `bytes`, the shape a media upload has. */
const jsonOf = (bytes: number) => Buffer.from(JSON.stringify({ to: "6281234567890", type: "document", media: "A".repeat(bytes) }));
const peakRssKb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${world.gateway.proc.pid}/status`, "utf8"))![1]);

function expectRefusal(res: RawResponse, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = JSON.parse(res.body) as { success: boolean; error: string; code: string };
  expect(body).toEqual({ success: false, error: expect.any(String), code });
  if (message) expect(body.error).toMatch(message);
}

/** Sends a chunked body slowly until the server answers; returns the answer, what was sent by then, and whether the server closed the connection. */
async function sendChunkedSlowly(path: string, total: number, auth = true) {
  const connection = await openRaw(world.gateway.port);
  await connection.write(head(path, "Transfer-Encoding: chunked\r\n", auth));
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  while (connection.received() === "" && sent < total) {
    if (!(await connection.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])))) break;
    sent += chunk.length;
    await Bun.sleep(5);
  }
  const closed = await Promise.race([connection.closed.then(() => true), Bun.sleep(3000).then(() => false)]);
  connection.socket.destroy();
  return { sent, closed, res: parseRawResponse(connection.received()) };
}

describe("an oversize chunked body gets 413 as soon as it passes the limit, and the connection closes", () => {
  test("on a route that takes no media: after about MAX_NON_MEDIA_BODY_SIZE", async () => {
    const { sent, closed, res } = await sendChunkedSlowly(TEXT, 8 * MB);
    expect(closed).toBe(true);
    expectRefusal(res, 413, "PAYLOAD_TOO_LARGE", /limit is 1048576 bytes \(MAX_NON_MEDIA_BODY_SIZE\)/);
    expect(res.headers.connection).toBe("close");
    // Answered with the client far from done: the body was counted as it came, not after.
    expect(sent).toBeGreaterThanOrEqual(1 * MB);
    expect(sent).toBeLessThan(3 * MB);
  }, 30_000);

  test("on the media upload route: after about MAX_BODY_SIZE", async () => {
    const { sent, closed, res } = await sendChunkedSlowly(MEDIA, 40 * MB);
    expect(closed).toBe(true);
    expectRefusal(res, 413, "PAYLOAD_TOO_LARGE", /limit is 26214400 bytes \(MAX_BODY_SIZE\)/);
    expect(sent).toBeGreaterThanOrEqual(25 * MB);
    expect(sent).toBeLessThan(30 * MB);
  }, 60_000);
});

describe("each route reads only the body it needs", () => {
  test("a 2 MB JSON body on a route that takes no media is 413; on the media route it is read", async () => {
    const body = jsonOf(2 * MB);
    const text = await rawRequest(world.gateway.port, head(TEXT, `Content-Length: ${body.length}\r\nConnection: close\r\n`) + body.toString());
    expectRefusal(text, 413, "PAYLOAD_TOO_LARGE", /MAX_NON_MEDIA_BODY_SIZE/);
    // Read, validated and refused for what it says (no such session), not for its size.
    const media = await rawRequest(world.gateway.port, head(MEDIA, `Content-Length: ${body.length}\r\nConnection: close\r\n`) + body.toString());
    expectRefusal(media, 404, "SESSION_NOT_FOUND");
  });

  test("the OpenAPI document names the one operation that takes MAX_BODY_SIZE", async () => {
    const doc = (await (await fetch(`${world.gateway.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const large = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op["x-body-limit"] === "MAX_BODY_SIZE").map(([method]) => `${method} ${path}`));
    expect(large).toEqual(["post /api/v1/sessions/{sessionId}/messages/media"]);
  });
});

test("concurrent large bodies share the in-flight budget: past it, 429 with Retry-After, and memory stays bounded", async () => {
  // 20 MB: under MAX_BODY_SIZE, and its media (15 MB decoded) under MAX_MEDIA_SIZE, so an admitted one is read whole.
  const body = jsonOf(20 * MB);
  const before = peakRssKb();
  // Thirty uploads at once, each holding its last byte back until all have started, so that all thirty
  // are in flight together: the budget (4 × MAX_BODY_SIZE) admits four.
  const connections = await Promise.all(Array.from({ length: 30 }, () => openRaw(world.gateway.port)));
  await Promise.all(connections.map((c) => c.write(head(MEDIA, `Content-Length: ${body.length}\r\nConnection: close\r\n`))));
  await Promise.all(connections.map((c) => c.write(body.subarray(0, body.length - 1))));
  // Refusals come while the admitted bodies are still incomplete.
  const admitted = Math.floor((4 * 25 * MB) / body.length);
  for (let waited = 0; connections.filter((c) => c.received() !== "").length < connections.length - admitted && waited < 10_000; waited += 20) await Bun.sleep(20);
  await Promise.all(connections.map((c) => c.write(body.subarray(body.length - 1))));
  const answers = await Promise.all(connections.map(async (c) => parseRawResponse(await c.closed)));
  const refused = answers.filter((a) => a.status === 429);
  for (const a of refused) {
    expectRefusal(a, 429, "BODY_BUDGET_EXHAUSTED", /MAX_INFLIGHT_BODY_SIZE/);
    expect(a.headers["retry-after"]).toBe("1");
  }
  expect(refused.length).toBe(connections.length - admitted);
  // The admitted ones were read whole and refused for what they say (no such session).
  expect(new Set(answers.filter((a) => a.status !== 429).map((a) => a.status))).toEqual(new Set([404]));
  // An admitted body costs about twice its size while it is parsed (its bytes, then the parsed object),
  // so a few times the budget bounds the peak; with no budget all thirty were read at once.
  const grownMb = (peakRssKb() - before) / 1024;
  console.log(`peak RSS grew ${grownMb.toFixed(0)} MB for 30 concurrent 20 MB uploads (600 MB offered), ${refused.length} refused`);
  expect(grownMb).toBeLessThan(350);

  // Everything given back: a full-size upload is admitted again.
  const again = await rawRequest(world.gateway.port, head(MEDIA, `Content-Length: ${body.length}\r\nConnection: close\r\n`) + body.toString("latin1"));
  expectRefusal(again, 404, "SESSION_NOT_FOUND");
}, 120_000);

test("an upload cut off midway gives its share of the budget back", async () => {
  const body = jsonOf(20 * MB);
  // Four of them take almost all of the budget (a fifth is refused): kept by dropped uploads, it would admit no upload again.
  const cut = await Promise.all(Array.from({ length: 5 }, () => openRaw(world.gateway.port)));
  await Promise.all(cut.map((c) => c.write(head(MEDIA, `Content-Length: ${body.length}\r\n`))));
  await Promise.all(cut.map((c) => c.write(body.subarray(0, body.length / 2))));
  for (const c of cut) c.socket.destroy();
  await Bun.sleep(500);
  const res = await rawRequest(world.gateway.port, head(MEDIA, `Content-Length: ${body.length}\r\nConnection: close\r\n`) + body.toString("latin1"));
  expectRefusal(res, 404, "SESSION_NOT_FOUND");
}, 60_000);

test("an unauthenticated body is never read: 401, whatever its size", async () => {
  const { sent, res } = await sendChunkedSlowly(MEDIA, 40 * MB, false);
  expectRefusal(res, 401, "UNAUTHORIZED");
  expect(sent).toBeLessThan(1 * MB);
});
