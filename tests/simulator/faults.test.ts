import { afterAll, beforeAll, expect, test } from 'bun:test';
import { DisconnectReason, proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, nextEvent, startClient, waitForClose, waitForStatus } from './support/baileys-client.ts';
import { linkedClient } from './support/world-fixture.ts';

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

test('a restricted account gets its sends refused with 463', async () => {
  const alice = await linkedClient(sim, 'Alice4');
  const bob = sim.control.createAccount({ name: 'Bob' });
  sim.control.setRestricted(alice.account.phone, true);
  const id = '3EB0RESTRICTED0001';
  const failed = waitForStatus(alice.sock, id, proto.WebMessageInfo.Status.ERROR);
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
