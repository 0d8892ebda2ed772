import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { proto } from "@whiskeysockets/baileys";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import type { AccountView } from "../../src/simulator/control/control-views.ts";
import { DriverError } from "../../src/whatsapp/driver.ts";
import { errorOf } from "../simulator/support/baileys-client.ts";
import { createBaileysDriver } from "../../src/whatsapp/baileys/baileys-driver.ts";
import { MemoryPollStore, type OpenedSession, pairedSession, type sessionAuth, simDriver, testLog } from "./support/driver-harness.ts";

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

const textOf = (m: proto.IMessage | null | undefined) => m?.conversation ?? m?.extendedTextMessage?.text;

/*
 * Today's server (the simulator's default): 1:1 traffic by LID. Known has a chat with the shop from
 * before the link, requires a privacy token and has a hidden number: only the history sync tells the
 * new device who Known is and gives it Known's token. Stranger requires a token and has no chat.
 */
let sim: Simulator;
let shop: { account: AccountView; auth: ReturnType<typeof sessionAuth>; opened: OpenedSession };
let known: AccountView;
let stranger: AccountView;
let friend: AccountView;
beforeAll(async () => {
  sim = await createSimulator({ seed: "driver-lid-history-test", receipts: { deliveredDelayMs: 20, readDelayMs: 20 } });
  known = sim.control.createAccount({ name: "Known", requiresToken: true, hidesPhoneNumber: true });
  stranger = sim.control.createAccount({ name: "Stranger", requiresToken: true });
  friend = sim.control.createAccount({ name: "Friend" });
  shop = await pairedSession(sim, simDriver(sim), "Shop", "shop", (account) => sim.control.openChat(account.phone, known.phone));
  // The first login after pairing opens only once the history sync is stored: the token is there already.
  expect((await shop.auth.memory.keys.get("tctoken", [known.lid]))[known.lid]).toBeDefined();
});
afterAll(async () => {
  await shop.opened.close();
  await sim.stop();
});

test("a LID-addressed 1:1 message from a contact whose number is hidden names the phone number, from the history-sync mapping", async () => {
  const sent = await sim.control.sendText(known.phone, shop.account.phone, "remember me?");
  const event = await shop.opened.next("messages", (e) => e.messages.some((m) => m.key.id === sent.id));
  expect(event.messages[0]).toMatchObject({ key: { remoteJid: known.jid, remoteJidAlt: known.lid, fromMe: false, id: sent.id }, message: { conversation: "remember me?" } });
});

test("a disclosed number is named from sender_pn: the chat by phone number, the LID beside it", async () => {
  const sent = await sim.control.sendText(friend.phone, shop.account.phone, "hi shop");
  const event = await shop.opened.next("messages", (e) => e.messages.some((m) => m.key.id === sent.id));
  expect(event.messages[0]?.key).toMatchObject({ remoteJid: friend.jid, remoteJidAlt: friend.lid });
});

test("1:1 sends arrive, whether addressed by LID or by phone number", async () => {
  const byLid = await shop.opened.session.sendText(friend.lid, "to your LID");
  expect(textOf((await sim.control.waitForInbox(friend.phone, (e) => e.id === byLid.messageId)).message)).toBe("to your LID");
  const byPhone = await shop.opened.session.sendText(friend.phone, "to your number");
  expect(textOf((await sim.control.waitForInbox(friend.phone, (e) => e.id === byPhone.messageId)).message)).toBe("to your number");
});

test("a contact that requires a privacy token gets the message, thanks to the token from the history sync", async () => {
  const result = await shop.opened.session.sendText(known.jid, "your order shipped");
  expect(textOf((await sim.control.waitForInbox(known.phone, (e) => e.id === result.messageId)).message)).toBe("your order shipped");
});

test("a contact that requires a privacy token the session does not have: RECIPIENT_TOKEN_REQUIRED, nothing delivered", async () => {
  const error = await errorOf(shop.opened.session.sendText(stranger.jid, "hello new friend"));
  expect(error).toBeInstanceOf(DriverError);
  expect(error).toMatchObject({ code: "RECIPIENT_TOKEN_REQUIRED" });
  expect(sim.control.inbox(stranger.phone)).toHaveLength(0);
});

test("a restricted account's 463 is still RESTRICTED: the reach-out timelock tells them apart", async () => {
  sim.control.setRestricted(shop.account.phone, true);
  try {
    expect(await errorOf(shop.opened.session.sendText(stranger.jid, "still blocked?"))).toMatchObject({ code: "RESTRICTED" });
  } finally {
    sim.control.setRestricted(shop.account.phone, false);
  }
});

test("LID groups both ways: the send reaches every member, a hidden-number member's message carries the mapped phone number", async () => {
  const group = sim.control.createGroup(friend.phone, "LID group", [shop.account.phone, known.phone]);
  const sent = await shop.opened.session.sendText(group.jid, "hello group");
  for (const member of [friend, known]) {
    const entry = await sim.control.waitForInbox(member.phone, (e) => e.id === sent.messageId);
    expect(entry.chat).toBe(group.jid);
  }
  const incoming = await sim.control.sendGroupText(known.phone, group.jid, "from the hidden member");
  const event = await shop.opened.next("messages", (e) => e.messages.some((m) => m.key.id === incoming.id));
  expect(event.messages[0]?.key).toMatchObject({ remoteJid: group.jid, participant: known.lid, participantAlt: known.jid });
});

test("with --history-sync full a fresh link opens without Baileys' 20 s wait and names the hidden number too", async () => {
  const driver = createBaileysDriver({ endpoint: { wsUrl: sim.url, trustKey: sim.rootPublicKey, historySync: "full" }, polls: new MemoryPollStore(), log: testLog });
  const started = Date.now();
  const archive = await pairedSession(sim, driver, "Archive", "archive", (account) => sim.control.openChat(account.phone, known.phone));
  expect(Date.now() - started).toBeLessThan(10_000);
  const sent = await sim.control.sendText(known.phone, archive.account.phone, "full history here");
  const event = await archive.opened.next("messages", (e) => e.messages.some((m) => m.key.id === sent.id));
  expect(event.messages[0]?.key).toMatchObject({ remoteJid: known.jid, remoteJidAlt: known.lid });
  await archive.opened.close();
});

test("the simulator recorded no handler errors", () => {
  expect(sim.control.errors()).toEqual([]);
});
