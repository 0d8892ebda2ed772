import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ErrorCode } from "../../src/contracts/worker-api/error-codes.ts";
import { startApiHarness, type ApiHarness } from "./support/api-harness.ts";
import contractJobs from "./fixtures/contract-b-jobs.json";
import { jobCount, readJob } from "./support/read-job.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({
    // One public name, one that resolves to loopback, the rest do not resolve (there is no DNS here).
    media: {
      maxBytes: 1024,
      resolve: async (host) => {
        if (host === "cdn.example.com") return ["93.184.215.14"];
        if (host === "sneaky.example.com") return ["93.184.215.14", "10.0.0.7"];
        if (host === "localhost") return ["127.0.0.1"];
        throw new Error("ENOTFOUND");
      },
    },
  });
  h.addSession({ id: "user-123" });
});
afterAll(() => h.close());

const M = "/api/v1/sessions/user-123/messages";
const { sessionId: _t, ...TEXT } = contractJobs.SEND_TEXT.data;
const { sessionId: _m, ...MEDIA } = contractJobs.SEND_MEDIA.data;
const { sessionId: _p, ...POLL } = contractJobs.SEND_POLL.data;
const { sessionId: _r, ...REACTION } = contractJobs.SEND_REACTION.data;

async function expectRefused(method: string, path: string, body: unknown, status: number, code: ErrorCode, error: string) {
  const before = await jobCount(h.redis);
  const res = await h.call(method, path, body);
  expect({ status: res.status, body: await res.json() }).toEqual({ status, body: { success: false, code, error: expect.stringContaining(error) } });
  expect(await jobCount(h.redis)).toBe(before);
}

async function enqueuedData(method: string, path: string, body: unknown): Promise<unknown> {
  const res = await h.call(method, path, body);
  const reply = (await res.json()) as { data: { jobId: string } };
  expect(res.status).toBe(202);
  return (await readJob(h.redis, reply.data.jobId))?.data;
}

describe("an invalid body is refused with 400 naming the field, and nothing is enqueued", () => {
  const cases: [string, string, unknown, string][] = [
    ["text without text", `${M}/text`, { to: TEXT.to }, "Invalid body.text"],
    ["empty text", `${M}/text`, { ...TEXT, text: "" }, "Invalid body.text"],
    ["recipient that is no JID", `${M}/text`, { ...TEXT, to: "budi" }, "Invalid body.to: must be a WhatsApp JID (…@s.whatsapp.net, …@g.us, …@lid) or a phone number"],
    ["recipient on another server", `${M}/text`, { ...TEXT, to: "6281234567890@example.com" }, "Invalid body.to"],
    ["a group among mentions", `${M}/text`, { ...TEXT, mentions: ["1234567890@g.us"] }, "Invalid body.mentions.0: must be a user JID"],
    ["unknown media type", `${M}/media`, { ...MEDIA, type: "gif" }, "Invalid body.type: must be one of image, video, audio, document, sticker"],
    ["poll with one option", `${M}/poll`, { ...POLL, options: ["Senin"] }, "Invalid body.options"],
    ["selectableCount above the options", `${M}/poll`, { ...POLL, selectableCount: 4 }, "Invalid body.selectableCount: must be at most the number of options (3); 0 means multiple choice"],
    ["reaction key with a phone number", `${M}/reaction`, { ...REACTION, key: { ...REACTION.key, remoteJid: "+6281234567890" } }, "Invalid body.key.remoteJid"],
    ["participants action that does not exist", "/api/v1/sessions/user-123/groups/1234567890@g.us/participants", { action: "ban", participants: ["628555555555"] }, "Invalid body.action: must be one of add, remove, promote, demote"],
    ["group route with a user JID", "/api/v1/sessions/user-123/groups/628555555555@s.whatsapp.net/participants", { action: "add", participants: ["628555555555"] }, "Invalid params.groupJid: must be a group JID (…@g.us)"],
    ["session id with spaces", "/api/v1/sessions", { sessionId: "user 123" }, "Invalid body.sessionId"],
    // Elysia's normaliser would turn these into {} and let them through.
    ["metadata that is not an object", "/api/v1/sessions", { sessionId: "user-9", metadata: 5 }, "Invalid body.metadata"],
    ["a quoted message that is not an object", `${M}/reply`, { to: TEXT.to, text: "ok", quoted: { key: REACTION.key, message: "x" } }, "Invalid body.quoted.message"],
    ["webhook that is not http(s)", "/api/v1/sessions", { sessionId: "user-9", webhookUrl: "ftp://example.com/x" }, "Invalid body.webhookUrl: must be an http(s) URL"],
  ];
  for (const [what, path, body, error] of cases) {
    test(what, () => expectRefused("POST", path, body, 400, "VALIDATION_ERROR", error));
  }

  test("a body that is not JSON", () => expectRefused("POST", `${M}/text`, "{not json", 400, "INVALID_JSON", "not valid JSON"));
});

describe("media", () => {
  test("a URL on a public host is accepted", async () => {
    expect(await enqueuedData("POST", `${M}/media`, { ...MEDIA, media: "https://cdn.example.com/a.jpg" })).toMatchObject({ media: "https://cdn.example.com/a.jpg" });
  });
  test("base64, plain or as a data: URL, is accepted as sent", async () => {
    const b64 = Buffer.from("a small picture").toString("base64");
    expect(await enqueuedData("POST", `${M}/media`, { ...MEDIA, media: b64 })).toMatchObject({ media: b64 });
    expect(await enqueuedData("POST", `${M}/media`, { ...MEDIA, media: `data:image/jpeg;base64,${b64}` })).toMatchObject({ media: `data:image/jpeg;base64,${b64}` });
  });
  const refused: [string, string, number, ErrorCode, string][] = [
    ["a non-http scheme", "ftp://cdn.example.com/a.jpg", 400, "MEDIA_INVALID", "must be an http(s) URL or base64"],
    ["a file: URL", "file:///etc/passwd", 400, "MEDIA_INVALID", "must be an http(s) URL or base64"],
    ["a loopback literal", "http://127.0.0.1:6379/", 400, "MEDIA_URL_FORBIDDEN", 'host "127.0.0.1" is a private, loopback or link-local address'],
    ["a link-local literal (cloud metadata)", "http://169.254.169.254/latest/meta-data", 400, "MEDIA_URL_FORBIDDEN", 'host "169.254.169.254" is a private'],
    ["a private IPv6 literal", "http://[fd00::1]/a.jpg", 400, "MEDIA_URL_FORBIDDEN", 'host "fd00::1" is a private'],
    ["an IPv4-mapped private IPv6 literal", "http://[::ffff:192.168.1.1]/a.jpg", 400, "MEDIA_URL_FORBIDDEN", 'host "::ffff:c0a8:101" is a private'],
    ["a name that resolves to loopback", "http://localhost/a.jpg", 400, "MEDIA_URL_FORBIDDEN", 'host "localhost" resolves to 127.0.0.1, a private'],
    ["a name with one private address among public ones", "https://sneaky.example.com/a.jpg", 400, "MEDIA_URL_FORBIDDEN", 'host "sneaky.example.com" resolves to 10.0.0.7, a private'],
    ["a name that does not resolve", "https://nowhere.invalid/a.jpg", 400, "MEDIA_URL_UNRESOLVABLE", 'host "nowhere.invalid" does not resolve'],
    ["base64 that is not base64", "!!not base64!!", 400, "MEDIA_INVALID", "must be an http(s) URL or valid base64"],
    ["base64 larger than MAX_MEDIA_SIZE", Buffer.alloc(2048).toString("base64"), 413, "MEDIA_TOO_LARGE", "decodes to 2048 bytes; the limit is 1024 bytes"],
  ];
  for (const [what, media, status, code, error] of refused) {
    test(`refused: ${what}`, () => expectRefused("POST", `${M}/media`, { ...MEDIA, media }, status, code, `Invalid body.media: ${error}`));
  }
});

describe("JIDs", () => {
  test("bare and +-prefixed phone numbers become user JIDs; @s.whatsapp.net, @g.us and @lid are kept", async () => {
    const sent = async (to: string) => ((await enqueuedData("POST", `${M}/text`, { to, text: "hi" })) as { to: string }).to;
    expect(await sent("6281234567890")).toBe("6281234567890@s.whatsapp.net");
    expect(await sent("+6281234567890")).toBe("6281234567890@s.whatsapp.net");
    expect(await sent("6281234567890@s.whatsapp.net")).toBe("6281234567890@s.whatsapp.net");
    expect(await sent("1234567890@g.us")).toBe("1234567890@g.us");
    expect(await sent("6281234567890-1600000000@g.us")).toBe("6281234567890-1600000000@g.us");
    expect(await sent("123456789012345@lid")).toBe("123456789012345@lid");
  });
  test("mentions and group participants are normalised too", async () => {
    expect(await enqueuedData("POST", `${M}/text`, { ...TEXT, mentions: ["+628987654321", "123456789012345@lid"] })).toMatchObject({
      mentions: ["628987654321@s.whatsapp.net", "123456789012345@lid"],
    });
    expect(await enqueuedData("POST", "/api/v1/sessions/user-123/groups", { subject: "Tim", participants: ["628123456789", "+628987654321"] })).toEqual({
      sessionId: "user-123",
      subject: "Tim",
      participants: ["628123456789@s.whatsapp.net", "628987654321@s.whatsapp.net"],
    });
  });
  test("an empty emoji is a valid reaction (it removes the reaction)", async () => {
    expect(await enqueuedData("POST", `${M}/reaction`, { ...REACTION, emoji: "" })).toMatchObject({ emoji: "" });
  });
});
