import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, nextEvent, pairWithQr } from './support/baileys-client.ts';

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
