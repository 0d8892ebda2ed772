import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { DisconnectReason, proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, nextEvent, startClient, until, waitForClose, waitForStatus } from './support/baileys-client.ts';
import { linkedClient } from './support/world-fixture.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(60_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'faults-test', receipts: { deliveredDelayMs: 50, readDelayMs: 50 } });
});
afterAll(() => sim.stop());

test('a dropped connection closes the client, which reconnects with its saved creds', async () => {
  const alice = await linkedClient(sim, 'Alice');
  const closed = waitForClose(alice.sock);
  expect(sim.control.dropConnection(alice.account.phone)).toBe(1);
  expect(await closed).toBe(DisconnectReason.connectionClosed);
  const again = await connectOpen(sim, alice.auth);
  expect(sim.control.getAccount(alice.account.phone).devices[0]?.online).toBe(true);
  endClient(again);
});

test('logging a device out shows loggedOut, and its creds are refused afterwards', async () => {
  const alice = await linkedClient(sim, 'Alice2');
  const closed = waitForClose(alice.sock);
  sim.control.logoutDevice(alice.account.phone, 2);
  expect(await closed).toBe(DisconnectReason.loggedOut);
  const retry = startClient(sim, alice.auth);
  expect(await waitForClose(retry)).toBe(DisconnectReason.loggedOut);
});

test('a second connection for the same device replaces the first (440)', async () => {
  const alice = await linkedClient(sim, 'Alice3');
  const replaced = waitForClose(alice.sock);
  const second = await connectOpen(sim, alice.auth);
  expect(await replaced).toBe(DisconnectReason.connectionReplaced);
  endClient(second);
});

test('the conflict fault replaces the connection without a second client (440)', async () => {
  const alice = await linkedClient(sim, 'Alice9');
  const replaced = waitForClose(alice.sock);
  const res = await fetch(`${sim.httpUrl}/sim/faults/conflict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: alice.account.phone }) });
  expect(await res.json()).toEqual({ replaced: 1 });
  expect(await replaced).toBe(DisconnectReason.connectionReplaced);
});

test('a restricted account gets its sends refused with 463', async () => {
  const alice = await linkedClient(sim, 'Alice4');
  const bob = sim.control.createAccount({ name: 'Bob' });
  sim.control.setRestricted(alice.account.phone, true);
  const id = '3EB0RESTRICTED0001';
  // A first connection's events may be held for up to 20 s (Baileys' AwaitingInitialSync fallback).
  const failed = waitForStatus(alice.sock, id, proto.WebMessageInfo.Status.ERROR, 40_000);
  await alice.sock.sendMessage(bob.jid, { text: 'blocked?' }, { messageId: id });
  expect((await failed).messageStubParameters).toEqual(['463', 'Your account has been restricted']);
  expect(sim.control.inbox(bob.phone)).toHaveLength(0);
  sim.control.setRestricted(alice.account.phone, false);
  endClient(alice.sock);
});

test('receipts can be delayed or lost', async () => {
  const alice = await linkedClient(sim, 'Alice5');
  const bob = sim.control.createAccount({ name: 'Bob5' });
  sim.control.setReceipts({ lose: true });
  const lost = await alice.sock.sendMessage(bob.jid, { text: 'no receipts' });
  await sim.control.waitForInbox(bob.phone, (e) => e.id === lost?.key.id);
  const none = await nextEvent(alice.sock, 'messages.update', (u) => u.some((m) => m.key.id === lost?.key.id && (m.update.status ?? 0) >= 3), 600).catch(() => 'none');
  expect(none).toBe('none');
  sim.control.setReceipts({ lose: false, deliveredDelayMs: 700, readDelayMs: 100 });
  const started = Date.now();
  const delivered = waitForStatus(alice.sock, '3EB0SLOWRECEIPTS01', proto.WebMessageInfo.Status.DELIVERY_ACK);
  await alice.sock.sendMessage(bob.jid, { text: 'slow receipts' }, { messageId: '3EB0SLOWRECEIPTS01' });
  await delivered;
  expect(Date.now() - started).toBeGreaterThanOrEqual(650);
  sim.control.setReceipts({ deliveredDelayMs: 50, readDelayMs: 50 });
  endClient(alice.sock);
});

test('stopping and restarting the simulator: clients drop, then log in again and keep messaging', async () => {
  const alice = await linkedClient(sim, 'Alice6');
  const bob = sim.control.createAccount({ name: 'Bob6' });
  const closed = waitForClose(alice.sock);
  await sim.pause();
  expect(await closed).toBe(DisconnectReason.connectionClosed);
  await sim.resume();
  const again = await connectOpen(sim, alice.auth);
  const sent = await again.sendMessage(bob.jid, { text: 'after restart' });
  const got = await sim.control.waitForInbox(bob.phone, (e) => e.id === sent?.key.id);
  expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe('after restart');
  endClient(again);
});

test('messages sent while a device is offline arrive when it logs in again', async () => {
  const alice = await linkedClient(sim, 'Alice7');
  const zoe = sim.control.createAccount({ name: 'Zoe' });
  const closed = waitForClose(alice.sock);
  sim.control.dropConnection(alice.account.phone);
  await closed;
  const queued = await sim.control.sendText(zoe.phone, alice.account.phone, 'while you were away');
  expect(queued.deliveredTo).toBe(1);
  const again = startClient(sim, alice.auth);
  const got = await nextEvent(again, 'messages.upsert', (u) => u.messages.some((m) => m.key.id === queued.id));
  expect(got.messages.find((m) => m.key.id === queued.id)?.message?.conversation).toBe('while you were away');
  endClient(again);
});

test('a client that logs itself out unlinks its device', async () => {
  const alice = await linkedClient(sim, 'Alice8');
  const closed = waitForClose(alice.sock);
  await alice.sock.logout();
  expect(await closed).toBe(DisconnectReason.loggedOut);
  await until(() => sim.control.getAccount(alice.account.phone).devices.length === 0);
  expect(await waitForClose(startClient(sim, alice.auth))).toBe(DisconnectReason.loggedOut);
});

test('a phone that lost its sessions asks for a retry, and the message still arrives', async () => {
  const alice = await linkedClient(sim, 'Alice10');
  const paul = sim.control.createAccount({ name: 'Paul' });
  const first = await alice.sock.sendMessage(paul.jid, { text: 'first' });
  await sim.control.waitForInbox(paul.phone, (e) => e.id === first?.key.id);
  await sim.control.forgetSessions(paul.phone);
  const second = await alice.sock.sendMessage(paul.jid, { text: 'after the phone lost its sessions' });
  const got = await sim.control.waitForInbox(paul.phone, (e) => e.id === second?.key.id);
  expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe('after the phone lost its sessions');
  endClient(alice.sock);
});

test('a client that lost its sessions (old auth state) gets the message again through a retry', async () => {
  const alice = await linkedClient(sim, 'Alice11');
  const rita = sim.control.createAccount({ name: 'Rita' });
  const hello = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'hello'));
  await sim.control.sendText(rita.phone, alice.account.phone, 'hello');
  await hello;
  const reply = await alice.sock.sendMessage(rita.jid, { text: 'hi rita' });
  await sim.control.waitForInbox(rita.phone, (e) => e.id === reply?.key.id);
  alice.auth.forgetSessions();
  const again = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'after your state was rolled back'));
  // The phone's session is established, so this is a plain `msg` that Alice can no longer decrypt.
  expect((await sim.control.sendText(rita.phone, alice.account.phone, 'after your state was rolled back')).encTypes).toEqual(['msg']);
  expect((await again).messages[0]?.key).toMatchObject({ remoteJid: rita.lid, remoteJidAlt: rita.jid });
  endClient(alice.sock);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
