import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import type { AccountView } from "../../src/simulator/control/control-views.ts";
import { errorOf } from "../simulator/support/baileys-client.ts";
import { type OpenedSession, pairedSession, simDriver } from "./support/driver-harness.ts";

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
let alice: { account: AccountView; opened: OpenedSession };
let bob: AccountView;
let carol: AccountView;
let groupJid: string;
beforeAll(async () => {
  sim = await createSimulator({ seed: "driver-groups-test", receipts: { deliveredDelayMs: 20, readDelayMs: 20 } });
  alice = await pairedSession(sim, simDriver(sim), "Alice");
  bob = sim.control.createAccount({ name: "Bob" });
  carol = sim.control.createAccount({ name: "Carol" });
});
afterAll(async () => {
  alice.opened.session.close();
  await alice.opened.next("close");
  await sim.stop();
});

const members = () => sim.control.groups().find((g) => g.jid === groupJid)?.members ?? [];

test("create: the group exists in the simulator, with a per-participant outcome for everyone asked", async () => {
  const result = await alice.opened.session.createGroup("Team", [bob.jid, carol.phone, "99911122233@s.whatsapp.net"]);
  groupJid = result.groupJid;
  expect(groupJid).toEndWith("@g.us");
  expect(result.subject).toBe("Team");
  expect(result.participants).toEqual([
    { jid: bob.jid, status: "200" },
    { jid: carol.jid, status: "200" },
    { jid: "99911122233@s.whatsapp.net", status: "404" },
  ]);
  expect(members().map((m) => m.phone).sort()).toEqual([alice.account.phone, bob.phone, carol.phone].sort());

  const sent = await alice.opened.session.sendText(groupJid, "hello team");
  expect(sent.to).toBe(groupJid);
  const atBob = await sim.control.waitForInbox(bob.phone, (e) => e.id === sent.messageId);
  expect(atBob.chat).toBe(groupJid);
});

test("participants: promote and add by us, refusals per participant, and a simulated admin's change as an event", async () => {
  const promoted = await alice.opened.session.updateParticipants(groupJid, "promote", [carol.jid]);
  expect(promoted).toEqual({ groupJid, action: "promote", participants: [{ jid: carol.jid, status: "200" }] });
  expect(members().find((m) => m.phone === carol.phone)?.role).toBe("admin");

  const already = await alice.opened.session.updateParticipants(groupJid, "add", [bob.jid]);
  expect(already.participants).toEqual([{ jid: bob.jid, status: "409" }]);

  const dave = sim.control.createAccount({ name: "Dave" });
  sim.control.updateGroupParticipants(carol.phone, groupJid, "add", [dave.phone]);
  const event = await alice.opened.next("group_participants", (e) => e.action === "add");
  expect(event).toMatchObject({ groupJid, action: "add", participants: [dave.jid] });
  // The author is named by phone number when Baileys knows it, else by LID (as in this LID-addressed group).
  expect([carol.jid, carol.lid]).toContain(event.author ?? "");

  sim.control.updateGroupParticipants(carol.phone, groupJid, "remove", [bob.phone]);
  const removed = await alice.opened.next("group_participants", (e) => e.action === "remove");
  expect(removed.participants).toEqual([bob.jid]);
});

test("a group message from a member arrives with its participant; group receipts come per member", async () => {
  const incoming = await sim.control.sendGroupText(carol.phone, groupJid, "hi from carol");
  const event = await alice.opened.next("messages", (e) => e.messages.some((m) => m.key.id === incoming.id));
  expect(event.messages[0]?.key).toMatchObject({ remoteJid: groupJid, fromMe: false, participant: carol.lid });

  const sent = await alice.opened.session.sendText(groupJid, "did you read this?");
  const read = await alice.opened.next("message_status", (e) => e.messageId === sent.messageId && e.status === "read");
  expect(read.remoteJid).toBe(groupJid);
  expect(read.participant).toBeDefined();
});

test("group errors: an unknown group is GROUP_NOT_FOUND, one we are not in is NOT_GROUP_ADMIN", async () => {
  expect(await errorOf(alice.opened.session.updateParticipants("120363999999999@g.us", "add", [bob.jid]))).toMatchObject({ code: "GROUP_NOT_FOUND" });
  expect(await errorOf(alice.opened.session.sendText("120363999999999@g.us", "anyone?"))).toMatchObject({ code: "GROUP_NOT_FOUND" });
  const theirs = sim.control.createGroup(bob.phone, "Not yours", [carol.phone]);
  expect(await errorOf(alice.opened.session.updateParticipants(theirs.jid, "add", [carol.jid]))).toMatchObject({ code: "NOT_GROUP_ADMIN" });
});

test("the simulator recorded no handler errors", () => {
  expect(sim.control.errors()).toEqual([]);
});
