import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { endClient, nextEvent, waitForStatus } from './support/baileys-client.ts';
import { type LinkedClient, linkedClient } from './support/world-fixture.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

const textOf = (message: proto.IMessage | null | undefined): string | null | undefined =>
  message?.conversation ?? message?.extendedTextMessage?.text;

let sim: Simulator;
let alice: LinkedClient;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'messaging-test', receipts: { deliveredDelayMs: 100, readDelayMs: 100 } });
  alice = await linkedClient(sim, 'Alice');
});
afterAll(async () => {
  endClient(alice.sock);
  await sim.stop();
});

test('a 1:1 send reaches the contact phone and its own phone, then comes back delivered and read', async () => {
  const carol = sim.control.createAccount({ name: 'Carol' });
  const id = '3EB0HELLOCAROL0001';
  const delivered = waitForStatus(alice.sock, id, proto.WebMessageInfo.Status.DELIVERY_ACK);
  const read = waitForStatus(alice.sock, id, proto.WebMessageInfo.Status.READ);
  await alice.sock.sendMessage(carol.jid, { text: 'hello carol' }, { messageId: id });
  const got = await sim.control.waitForInbox(carol.phone, (e) => e.id === id);
  expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe('hello carol');
  expect(got.chat).toBe(alice.account.jid);
  const ownCopy = await sim.control.waitForInbox(alice.account.phone, (e) => e.id === id);
  expect(ownCopy.chat).toBe(carol.jid);
  expect((await delivered).status).toBe(proto.WebMessageInfo.Status.DELIVERY_ACK);
  expect((await read).status).toBe(proto.WebMessageInfo.Status.READ);
});

test('incoming messages from a contact decrypt in Baileys: pkmsg first, then msg', async () => {
  const dave = sim.control.createAccount({ name: 'Dave' });
  const first = nextEvent(alice.sock, 'messages.upsert', (u) => u.type === 'notify' && u.messages.some((m) => m.message?.conversation === 'hi alice'));
  expect((await sim.control.sendText(dave.phone, alice.account.phone, 'hi alice')).encTypes).toEqual(['pkmsg']);
  const [msg] = (await first).messages;
  expect(msg?.key.fromMe).toBe(false);
  // Today's server addresses the chat by LID and still discloses the number beside it.
  expect(msg?.key).toMatchObject({ remoteJid: dave.lid, remoteJidAlt: dave.jid });
  // Signal keeps sending pkmsg until the other side answers; after Alice's reply Dave's phone sends msg.
  const reply = await alice.sock.sendMessage(dave.jid, { text: 'hi dave' });
  await sim.control.waitForInbox(dave.phone, (e) => e.id === reply?.key.id);
  const second = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'second'));
  expect((await sim.control.sendText(dave.phone, alice.account.phone, 'second')).encTypes).toEqual(['msg']);
  expect((await second).messages[0]?.pushName).toBe('Dave');
  await alice.sock.readMessages([msg!.key]);
  await Bun.sleep(200);
  expect(sim.control.receiptsFor(dave.phone, msg!.key.id!)).toContain('read');
  const overHttp = await fetch(`${sim.httpUrl}/sim/accounts/${dave.phone}/receipts/${msg!.key.id}`);
  expect(await overHttp.json()).toEqual(expect.arrayContaining(['delivered', 'read']));
});

test('two Baileys clients message each other through the simulator, with receipts', async () => {
  const bob = await linkedClient(sim, 'Bob');
  const got = nextEvent(bob.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'hi bob'));
  const id = '3EB0ALICETOBOB0001';
  const delivered = waitForStatus(alice.sock, id, proto.WebMessageInfo.Status.DELIVERY_ACK);
  const read = waitForStatus(alice.sock, id, proto.WebMessageInfo.Status.READ);
  await alice.sock.sendMessage(bob.account.jid, { text: 'hi bob' }, { messageId: id });
  const [incoming] = (await got).messages;
  expect(incoming?.key.fromMe).toBe(false);
  await delivered;
  await bob.sock.readMessages([incoming!.key]);
  await read;
  const back = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'hi alice, from bob'));
  await bob.sock.sendMessage(alice.account.jid, { text: 'hi alice, from bob' });
  expect((await back).messages[0]?.key).toMatchObject({ remoteJid: bob.account.lid, remoteJidAlt: bob.account.jid });
  endClient(bob.sock);
});

test('onWhatsApp tells registered numbers from unknown ones', async () => {
  const known = sim.control.createAccount({ name: 'Known' });
  const results = await alice.sock.onWhatsApp(known.phone, '19990000000');
  expect(results).toEqual([{ jid: known.jid, exists: true }]);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
