import { expect, test, setDefaultTimeout } from 'bun:test';
import { Elysia } from 'elysia';
import { openapi } from '@elysiajs/openapi';
import { createSimulator } from '../../src/simulator/create-simulator.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

test('the same seed gives the same root key, media certificate, numbers, LIDs and ids; another seed does not', async () => {
  const run = async (seed: string) => {
    const sim = await createSimulator({ seed });
    try {
      const a = sim.control.createAccount({ name: 'A' });
      const b = sim.control.createAccount({ name: 'B' });
      const sent = await sim.control.sendText(a.phone, b.phone, 'x');
      return { root: sim.rootPublicKey.toString('hex'), accounts: [a.phone, a.lid, b.phone, b.lid], id: sent.id, mediaCert: sim.mediaCertificatePem };
    } finally {
      await sim.stop();
    }
  };
  const first = await run('seed-1');
  expect(await run('seed-1')).toEqual(first);
  const other = await run('seed-2');
  expect(other.root).not.toBe(first.root);
  expect(other.accounts[1]).not.toBe(first.accounts[1]);
  expect(other.mediaCert).not.toBe(first.mediaCert);
});

test('the control API mounts into another Elysia app and shows up in its OpenAPI document', async () => {
  const sim = await createSimulator({ seed: 'openapi', media: false });
  try {
    const app = new Elysia().use(openapi()).use(sim.controlApp);
    const doc = (await (await app.handle(new Request('http://local/openapi/json'))).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/sim/accounts', '/sim/pairings/scan', '/sim/faults/logout', '/sim/accounts/{phone}/inbox']));
    const created = await app.handle(new Request('http://local/sim/accounts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Mounted"}' }));
    expect(((await created.json()) as { name: string }).name).toBe('Mounted');
  } finally {
    await sim.stop();
  }
});
