import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, until, waitForClose } from './support/baileys-client.ts';
import { linkedClient } from './support/world-fixture.ts';

// The cluster tests prove "never two live sockets for one device" with this counter, so it must count
// exactly the logins that found the device still connected, and nothing else.
setDefaultTimeout(20_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'overlaps-test' });
});
afterAll(() => sim.stop());

const httpGet = async (path: string): Promise<unknown> => (await fetch(`${sim.httpUrl}/sim${path}`)).json();

test('pairing, a close and a reconnect are no overlap', async () => {
  const alice = await linkedClient(sim, 'Alice');
  const phone = alice.account.phone;
  endClient(alice.sock);
  await until(() => !sim.control.getAccount(phone).devices[0]?.online);
  const again = await connectOpen(sim, alice.auth);
  const dropped = waitForClose(again);
  sim.control.dropConnection(phone);
  await dropped;
  const third = await connectOpen(sim, alice.auth);
  expect(sim.control.stats().replacedLogins).toBe(0);
  expect(sim.control.overlaps()).toEqual([]);
  endClient(third);
});

test('the conflict fault closes the socket without a second login, so it is no overlap', async () => {
  const bob = await linkedClient(sim, 'Bob');
  const replaced = waitForClose(bob.sock);
  expect(sim.control.replaceConnection(bob.account.phone)).toBe(1);
  expect(await replaced).toBe(DisconnectReason.connectionReplaced);
  expect(sim.control.stats().replacedLogins).toBe(0);
});

test('a second login while the first socket is open is counted, with the device and time, also over HTTP', async () => {
  const carol = await linkedClient(sim, 'Carol');
  const before = Date.now();
  const replaced = waitForClose(carol.sock);
  const second = await connectOpen(sim, carol.auth);
  expect(await replaced).toBe(DisconnectReason.connectionReplaced);
  const device = `${carol.account.phone}:2`;
  expect(sim.control.stats()).toMatchObject({ replacedLogins: 1, connections: 1 });
  const [overlap] = sim.control.overlaps();
  expect(overlap?.device).toBe(device);
  expect(overlap?.at).toBeGreaterThanOrEqual(before);
  expect(overlap?.at).toBeLessThanOrEqual(Date.now());
  expect(await httpGet('/stats')).toMatchObject({ replacedLogins: 1 });
  expect(await httpGet('/overlaps')).toEqual([{ device, at: overlap?.at }]);
  endClient(second);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
