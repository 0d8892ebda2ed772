import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { endClient, errorOf } from './support/baileys-client.ts';
import { linkedClient } from './support/world-fixture.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'robustness-test', media: false });
});
afterAll(() => sim.stop());

/** Opens a raw socket, sends `payloads`, and resolves when the simulator closes it. */
const rawSession = (payloads: Uint8Array[]): Promise<number> =>
  new Promise((resolve) => {
    const ws = new WebSocket(sim.url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      for (const payload of payloads) ws.send(payload);
    };
    ws.onclose = (event) => resolve(event.code);
  });

const frame = (body: Uint8Array) => {
  const out = new Uint8Array(body.length + 3);
  out.set([body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  out.set(body, 3);
  return out;
};

test('garbage instead of a handshake closes that socket and nothing else', async () => {
  const alice = await linkedClient(sim, 'Alice');
  const intro = new Uint8Array([87, 65, 6, 3]);
  await rawSession([intro, frame(crypto.getRandomValues(new Uint8Array(50)))]);
  await rawSession([intro, frame(new Uint8Array(0))]);
  expect(sim.control.getAccount(alice.account.phone).devices[0]?.online).toBe(true);
  const sent = await alice.sock.sendMessage(sim.control.createAccount({ name: 'Still here' }).jid, { text: 'still works' });
  expect(sent?.key.id).toBeString();
  endClient(alice.sock);
});

test('the control API answers malformed JSON with a 400 in contract A shape', async () => {
  const res = await fetch(`${sim.httpUrl}/sim/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ success: false });
});

test('odd but well-formed stanzas from a logged-in client get answers, not crashes', async () => {
  const alice = await linkedClient(sim, 'Odd');
  const sock = alice.sock;
  const fetched = await sock.query({ tag: 'iq', attrs: { to: 's.whatsapp.net', xmlns: 'encrypt', type: 'get' }, content: [{ tag: 'key', attrs: {}, content: [{ tag: 'user', attrs: { jid: 'nobody@s.whatsapp.net' } }] }] });
  expect(JSON.stringify(fetched)).toContain('item-not-found');
  expect(await errorOf(sock.groupMetadata('123@g.us'))).toBeInstanceOf(Error);
  const usync = await sock.query({ tag: 'iq', attrs: { to: 's.whatsapp.net', xmlns: 'usync', type: 'get' }, content: [{ tag: 'usync', attrs: {} }] });
  expect(usync.attrs.type).toBe('result');
  await sock.sendNode({ tag: 'message', attrs: { to: 'nobody@s.whatsapp.net', id: 'ODD1', type: 'text' } });
  await sock.sendNode({ tag: 'receipt', attrs: { to: 'nobody@s.whatsapp.net' } });
  await sock.sendNode({ tag: 'message', attrs: { to: '999@g.us', id: 'ODD2', type: 'text' }, content: [{ tag: 'enc', attrs: { type: 'skmsg' }, content: Buffer.from('x') }] });
  const unknown = await sock.query({ tag: 'iq', attrs: { to: 's.whatsapp.net', xmlns: 'made:up', type: 'get' } });
  expect(unknown.attrs.type).toBe('result');
  expect(sim.control.getAccount(alice.account.phone).devices[0]?.online).toBe(true);
  expect(sim.control.errors()).toEqual([]);
  endClient(sock);
});
