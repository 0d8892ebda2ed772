import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { proto } from "@whiskeysockets/baileys";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import type { AccountView } from "../../src/simulator/control/control-views.ts";
import { DriverError } from "../../src/whatsapp/driver.ts";
import { errorOf } from "../simulator/support/baileys-client.ts";
import { MemoryPollStore, type OpenedSession, pairedSession, simDriver } from "./support/driver-harness.ts";

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

const textOf = (m: proto.IMessage | null | undefined) => m?.conversation ?? m?.extendedTextMessage?.text;

let sim: Simulator;
let polls: MemoryPollStore;
let alice: { account: AccountView; opened: OpenedSession };
beforeAll(async () => {
  sim = await createSimulator({ seed: "driver-messaging-test", receipts: { deliveredDelayMs: 20, readDelayMs: 20 } });
  polls = new MemoryPollStore();
  alice = await pairedSession(sim, simDriver(sim, polls), "Alice", "alice");
});
afterAll(async () => {
  alice.opened.session.close();
  await alice.opened.next("close");
  await sim.stop();
});

test("text with mentions reaches the recipient; the result carries id, jid and server time; statuses follow", async () => {
  const bob = sim.control.createAccount({ name: "Bob" });
  const carl = sim.control.createAccount({ name: "Carl" });
  const before = Math.floor(Date.now() / 1000);
  const result = await alice.opened.session.sendText(bob.phone, `hi @${carl.phone}`, [carl.jid]);
  expect(result.to).toBe(bob.jid);
  expect(result.timestamp).toBeGreaterThanOrEqual(before);
  const entry = await sim.control.waitForInbox(bob.phone, (e) => e.id === result.messageId);
  expect(textOf(entry.message)).toBe(`hi @${carl.phone}`);
  expect(entry.message.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([carl.jid]);

  const status = (s: string) => alice.opened.next("message_status", (e) => e.messageId === result.messageId && e.status === s);
  const [sent, delivered, read] = await Promise.all([status("sent"), status("delivered"), status("read")]);
  expect(sent.remoteJid).toBe(bob.jid);
  expect(delivered.remoteJid).toBe(bob.jid);
  expect(read.at).toBeGreaterThanOrEqual(before * 1000);
  const order = alice.opened.of("message_status").filter((e) => e.messageId === result.messageId).map((e) => e.status);
  expect(order).toEqual(["sent", "delivered", "read"]);
});

test("an incoming message arrives as contract B's messages.upsert data, JSON-safe", async () => {
  const dana = sim.control.createAccount({ name: "Dana" });
  const sent = await sim.control.sendText(dana.phone, alice.account.phone, "Halo bot!");
  const event = await alice.opened.next("messages", (e) => e.messages.some((m) => m.key.id === sent.id));
  expect(event.upsertType).toBe("notify");
  const [message] = event.messages;
  expect(message).toMatchObject({ key: { remoteJid: dana.jid, fromMe: false, id: sent.id }, message: { conversation: "Halo bot!" }, pushName: "Dana" });
  expect(typeof message?.messageTimestamp).toBe("number");
  expect(JSON.parse(JSON.stringify(event))).toEqual(event);
});

test("reactions both ways: ours reaches the phone, theirs (and its removal) arrives as reaction events", async () => {
  const eli = sim.control.createAccount({ name: "Eli" });
  const incoming = await sim.control.sendText(eli.phone, alice.account.phone, "react to this");
  await alice.opened.next("messages", (e) => e.messages.some((m) => m.key.id === incoming.id));
  const key = { remoteJid: eli.jid, fromMe: false, id: incoming.id };
  const mine = await alice.opened.session.sendReaction(eli.jid, key, "❤️");
  const entry = await sim.control.waitForInbox(eli.phone, (e) => e.id === mine.messageId);
  expect(entry.message.reactionMessage).toMatchObject({ text: "❤️", key: { id: incoming.id } });
  // Our own reaction is not echoed back as an event.
  expect(alice.opened.of("reaction")).toHaveLength(0);

  const target = await alice.opened.session.sendText(eli.jid, "react to mine");
  await sim.control.waitForInbox(eli.phone, (e) => e.id === target.messageId);
  await sim.control.sendReaction(eli.phone, alice.account.phone, target.messageId, "👍");
  const reaction = await alice.opened.next("reaction", (r) => r.emoji === "👍");
  expect(reaction.key).toMatchObject({ id: target.messageId, fromMe: true, remoteJid: eli.jid });
  expect(reaction.from).toBe(eli.jid);
  await sim.control.sendReaction(eli.phone, alice.account.phone, target.messageId, "");
  expect((await alice.opened.next("reaction", (r) => r.emoji === "")).key.id).toBe(target.messageId);
  // Reactions are not also forwarded as messages.
  expect(alice.opened.of("messages").flatMap((e) => e.messages).some((m) => m.message && "reactionMessage" in m.message)).toBe(false);
});

test("a poll goes out, its secret is kept, and a simulated vote comes back decrypted as option names", async () => {
  const fox = sim.control.createAccount({ name: "Fox" });
  const sent = await alice.opened.session.sendPoll(fox.jid, { name: "Lunch?", options: ["pizza", "sushi", "salad"], selectableCount: 0 });
  const entry = await sim.control.waitForInbox(fox.phone, (e) => e.id === sent.messageId);
  const creation = entry.message.pollCreationMessage ?? entry.message.pollCreationMessageV3;
  expect(creation?.options?.map((o) => o.optionName)).toEqual(["pizza", "sushi", "salad"]);
  expect(creation?.selectableOptionsCount).toBe(0);
  expect(await polls.get("alice", sent.messageId)).toMatchObject({ options: ["pizza", "sushi", "salad"] });

  await sim.control.sendPollVote(fox.phone, alice.account.phone, sent.messageId, ["sushi", "salad"]);
  const vote = await alice.opened.next("poll_vote", (v) => v.pollMessageId === sent.messageId);
  expect(vote).toMatchObject({ chatJid: fox.jid, voter: fox.jid, selectedOptions: ["sushi", "salad"] });
  expect(alice.opened.of("messages").flatMap((e) => e.messages).some((m) => m.message && "pollUpdateMessage" in m.message)).toBe(false);
});

test("a reply quotes the original by key, with its text when given or when this socket sent it", async () => {
  const gus = sim.control.createAccount({ name: "Gus" });
  const incoming = await sim.control.sendText(gus.phone, alice.account.phone, "question?");
  const reply = await alice.opened.session.sendReply(gus.jid, "answer!", { key: { remoteJid: gus.jid, fromMe: false, id: incoming.id }, message: { conversation: "question?" } });
  const entry = await sim.control.waitForInbox(gus.phone, (e) => e.id === reply.messageId);
  const context = entry.message.extendedTextMessage?.contextInfo;
  expect(textOf(entry.message)).toBe("answer!");
  expect(context).toMatchObject({ stanzaId: incoming.id, participant: gus.jid, quotedMessage: { conversation: "question?" } });

  const mine = await alice.opened.session.sendText(gus.jid, "my own words");
  const selfReply = await alice.opened.session.sendReply(gus.jid, "quoting myself", { key: { remoteJid: gus.jid, fromMe: true, id: mine.messageId } });
  const again = await sim.control.waitForInbox(gus.phone, (e) => e.id === selfReply.messageId);
  expect(again.message.extendedTextMessage?.contextInfo).toMatchObject({ stanzaId: mine.messageId, quotedMessage: { extendedTextMessage: { text: "my own words" } } });
});

test("a number that is not on WhatsApp fails with NOT_ON_WHATSAPP before anything is sent", async () => {
  const error = await errorOf(alice.opened.session.sendText("99900011122@s.whatsapp.net", "anyone?"));
  expect(error).toBeInstanceOf(DriverError);
  expect(error).toMatchObject({ code: "NOT_ON_WHATSAPP" });
});

test("a restricted account's send fails with RESTRICTED, and a failed status carries the error", async () => {
  const hana = sim.control.createAccount({ name: "Hana" });
  sim.control.setRestricted(alice.account.phone, true);
  try {
    const error = await errorOf(alice.opened.session.sendText(hana.jid, "blocked?"));
    expect(error).toMatchObject({ name: "DriverError", code: "RESTRICTED" });
    const failed = await alice.opened.next("message_status", (e) => e.status === "failed" && e.remoteJid === hana.jid);
    expect(failed.error).toContain("463");
    expect(sim.control.inbox(hana.phone)).toHaveLength(0);
  } finally {
    sim.control.setRestricted(alice.account.phone, false);
  }
});

test("the simulator recorded no handler errors", () => {
  expect(sim.control.errors()).toEqual([]);
});
