import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { connectOpen, endClient, errorOf, memoryAuth, nextEvent, pairWithQr, startClient, until, waitForClose } from './support/baileys-client.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'pairing-test' });
});
afterAll(() => sim.stop());

test('QR pairing links a device, then the client logs in with the saved creds', async () => {
  const alice = sim.control.createAccount({ name: 'Alice' });
  const auth = await pairWithQr(sim, alice.phone);
  expect(auth.creds.me?.id).toBe(`${alice.phone}:2@s.whatsapp.net`);
  expect(sim.control.getAccount(alice.phone).devices).toHaveLength(1);
  const started = Date.now();
  const sock = await connectOpen(sim, auth);
  expect(sim.control.getAccount(alice.phone).devices[0]?.online).toBe(true);
  expect(Date.now() - started).toBeLessThan(10_000);
  endClient(sock);
});

test('first login gets an empty history sync and app state, so Baileys stops buffering at once', async () => {
  const bob = sim.control.createAccount({ name: 'Bob' });
  const auth = await pairWithQr(sim, bob.phone);
  const sock = await connectOpen(sim, auth);
  const started = Date.now();
  await nextEvent(sock, 'creds.update', (u) => u.accountSyncCounter === 1, 8_000);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(auth.creds.processedHistoryMessages.length).toBe(1);
  endClient(sock);
});

test('pairing by code: the client asks for a code, the phone owner enters it', async () => {
  const frank = sim.control.createAccount({ name: 'Frank' });
  const auth = memoryAuth();
  const sock = startClient(sim, auth);
  await nextEvent(sock, 'connection.update', (u) => !!u.qr);
  const code = await sock.requestPairingCode(frank.phone);
  expect(code).toHaveLength(8);
  await until(() => sim.control.pendingPairings().some((p) => p.codeRequestedFor === frank.phone));
  const closed = waitForClose(sock);
  await sim.control.enterPairingCode(frank.phone, code);
  expect(await closed).toBe(DisconnectReason.restartRequired);
  const again = await connectOpen(sim, auth);
  expect(auth.creds.me?.id).toBe(`${frank.phone}:2@s.whatsapp.net`);
  endClient(again);
});

test('a wrong pairing code does not link anything', async () => {
  const gina = sim.control.createAccount({ name: 'Gina' });
  const sock = startClient(sim, memoryAuth());
  await nextEvent(sock, 'connection.update', (u) => !!u.qr);
  const code = await sock.requestPairingCode(gina.phone);
  await until(() => sim.control.pendingPairings().some((p) => p.codeRequestedFor === gina.phone));
  const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
  expect(String(await errorOf(sim.control.enterPairingCode(gina.phone, wrong)))).toContain('pairing failed');
  expect(sim.control.getAccount(gina.phone).devices).toHaveLength(0);
  endClient(sock);
});

test('a client with history sync turned off and presence on also opens and receives at once', async () => {
  const hal = sim.control.createAccount({ name: 'Hal' });
  const auth = await pairWithQr(sim, hal.phone);
  const config = { shouldSyncHistoryMessage: () => false, markOnlineOnConnect: true, syncFullHistory: false };
  const sock = startClient(sim, auth, config);
  await nextEvent(sock, 'connection.update', (u) => u.connection === 'open');
  const ivy = sim.control.createAccount({ name: 'Ivy' });
  const started = Date.now();
  const got = nextEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'no history here'));
  await sim.control.sendText(ivy.phone, hal.phone, 'no history here');
  await got;
  expect(Date.now() - started).toBeLessThan(3_000);
  endClient(sock);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
