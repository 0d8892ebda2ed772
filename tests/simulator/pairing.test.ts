import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, pairWithQr } from './support/baileys-client.ts';

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
