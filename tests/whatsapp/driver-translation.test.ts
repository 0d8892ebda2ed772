import { afterAll, beforeAll, expect, test } from "bun:test";
import { proto, type WAMessage } from "@whiskeysockets/baileys";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/platform/redis/redis-connection.ts";
import { closeReason } from "../../src/whatsapp/baileys/close-reason.ts";
import { foldedStatus, isForwardable, statusUpdates } from "../../src/whatsapp/baileys/incoming-events.ts";
import { upsertMessageJson } from "../../src/whatsapp/baileys/message-json.ts";
import { RedisPollStore } from "../../src/whatsapp/baileys/redis-poll-store.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";

const Status = proto.WebMessageInfo.Status;
const ours = { remoteJid: "6281@s.whatsapp.net", fromMe: true, id: "3EB0AAA" };

test("close reasons: WhatsApp's codes, 408 only while pairing is a QR timeout, and our own close wins", () => {
  const open = { closedByUs: false, pairing: false };
  expect(closeReason(401, open)).toBe("logged_out");
  expect(closeReason(440, open)).toBe("replaced");
  expect(closeReason(515, open)).toBe("restart_required");
  expect(closeReason(403, open)).toBe("forbidden");
  expect(closeReason(408, { closedByUs: false, pairing: true })).toBe("qr_timeout");
  expect(closeReason(408, open)).toBe("connection_lost");
  expect(closeReason(428, open)).toBe("connection_lost");
  expect(closeReason(undefined, open)).toBe("connection_lost");
  expect(closeReason(401, { closedByUs: true, pairing: false })).toBe("closed");
});

test("statuses: receipts as updates, and the ones folded into the upsert of our own message (incl. 463)", () => {
  expect(statusUpdates([{ key: ours, update: { status: Status.DELIVERY_ACK } }])).toMatchObject([{ messageId: "3EB0AAA", remoteJid: ours.remoteJid, status: "delivered" }]);
  expect(statusUpdates([{ key: { ...ours, fromMe: false }, update: { status: Status.READ } }])).toEqual([]);
  expect(statusUpdates([{ key: ours, update: { status: Status.ERROR, messageStubParameters: ["463", "Your account has been restricted"] } }])).toMatchObject([
    { status: "failed", error: "463: Your account has been restricted" },
  ]);
  const upserted: WAMessage = { key: ours, message: { conversation: "x" }, status: Status.READ };
  expect(foldedStatus(upserted)).toMatchObject([{ messageId: "3EB0AAA", status: "read" }]);
  expect(foldedStatus({ ...upserted, status: Status.ERROR, messageStubParameters: ["463"] })).toMatchObject([{ status: "failed", error: "463" }]);
  // PENDING is no news, and "sent" comes from the server's ack.
  expect(foldedStatus({ ...upserted, status: Status.PENDING })).toEqual([]);
  expect(foldedStatus({ ...upserted, status: Status.SERVER_ACK })).toEqual([]);
});

test("upsert JSON: bytes become base64, Longs numbers; the result survives JSON.stringify unchanged", () => {
  // Decoded from the wire, as Baileys has them: 64-bit fields are Longs, bytes are Uint8Arrays.
  const wire = proto.WebMessageInfo.encode({
    key: { remoteJid: "6281@s.whatsapp.net", fromMe: false, id: "ABC" },
    message: { imageMessage: { mimetype: "image/jpeg", mediaKey: Buffer.from("key!"), fileLength: 12345 } },
    messageTimestamp: 1703839200,
    pushName: "Budi",
  }).finish();
  const decoded = proto.WebMessageInfo.decode(wire);
  expect(typeof decoded.messageTimestamp).toBe("object");
  const message: WAMessage = { ...decoded, key: { ...decoded.key, remoteJidAlt: "99@lid" } };
  const json = upsertMessageJson(message);
  expect(json).toMatchObject({
    key: { remoteJid: "6281@s.whatsapp.net", fromMe: false, id: "ABC", remoteJidAlt: "99@lid" },
    message: { imageMessage: { mimetype: "image/jpeg", mediaKey: Buffer.from("key!").toString("base64"), fileLength: 12345 } },
    messageTimestamp: 1703839200,
    pushName: "Budi",
  });
  expect(JSON.parse(JSON.stringify(json))).toEqual(json);
});

test("what is forwarded as a message: content, not protocol messages, reactions, votes, stubs or our own sends", () => {
  const key = { remoteJid: "6281@s.whatsapp.net", fromMe: false, id: "M1" };
  expect(isForwardable({ key, message: { conversation: "hi" } }, false)).toBe(true);
  expect(isForwardable({ key: { ...key, fromMe: true }, message: { conversation: "from the phone" } }, false)).toBe(true);
  expect(isForwardable({ key, message: { conversation: "our send" } }, true)).toBe(false);
  expect(isForwardable({ key, message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } } }, false)).toBe(false);
  expect(isForwardable({ key, message: { reactionMessage: { text: "👍" } } }, false)).toBe(false);
  expect(isForwardable({ key, message: { pollUpdateMessage: {} } }, false)).toBe(false);
  expect(isForwardable({ key, messageStubType: proto.WebMessageInfo.StubType.GROUP_PARTICIPANT_ADD }, false)).toBe(false);
  expect(isForwardable({ key, message: { senderKeyDistributionMessage: { groupId: "g" } } }, false)).toBe(false);
  expect(isForwardable({ key: { ...key, remoteJid: "status@broadcast" }, message: { conversation: "story" } }, false)).toBe(false);
});

let redisServer: TestRedis;
let redis: Redis;
beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = await connectRedis(redisServer.url, "poll-store-test");
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop();
});

test("RedisPollStore keeps a poll per session for 30 days", async () => {
  const store = new RedisPollStore(redis);
  const poll = { options: ["a", "b"], secret: Buffer.alloc(32, 7).toString("base64"), creatorJid: "6281@s.whatsapp.net" };
  await store.save("s1", "POLL1", poll);
  expect(await store.get("s1", "POLL1")).toEqual(poll);
  expect(await store.get("s2", "POLL1")).toBeNull();
  const [key] = await redis.keys("*POLL1*");
  const ttl = await redis.ttl(key ?? "");
  expect(ttl).toBeGreaterThan(29 * 24 * 3600);
  expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
});
