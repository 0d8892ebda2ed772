import { afterAll, beforeAll, expect, test } from 'bun:test';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, memoryAuth, nextEvent, startClient, waitForClose } from './support/baileys-client.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'control-api-test' });
});
afterAll(() => sim.stop());

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.httpUrl}/sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('invalid input is a 400 naming the field, unknown things a 404, both in contract A shape', async () => {
  const bad = await call('POST', '/accounts', { phone: 'abc' });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ success: false, code: 'VALIDATION' });
  expect(String(bad.body.error)).toContain('phone');
  const missing = await call('GET', '/accounts/19999999999');
  expect(missing.status).toBe(404);
  expect(missing.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
});

test('a sandbox user links a client, sends it a text and reads the phone inbox, all over HTTP', async () => {
  const created = await call('POST', '/accounts', { phone: '+4915100000001', name: 'Hanna' });
  expect(created.status).toBe(200);
  const contact = await call('POST', '/accounts', { name: 'Ivo' });
  const auth = memoryAuth();
  const sock = startClient(sim, auth);
  const { qr } = await nextEvent(sock, 'connection.update', (u) => !!u.qr);
  expect((await call('GET', '/pairings')).body as unknown as unknown[]).toHaveLength(1);
  const closed = waitForClose(sock);
  const scanned = await call('POST', '/pairings/scan', { phone: '4915100000001', qr });
  expect(scanned.body.devices).toHaveLength(1);
  expect(await closed).toBe(DisconnectReason.restartRequired);
  const linked = await connectOpen(sim, auth);
  const incoming = nextEvent(linked, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'from the sandbox'));
  const sent = await call('POST', `/accounts/${contact.body.phone}/messages/text`, { to: '4915100000001', text: 'from the sandbox' });
  expect(sent.body.deliveredTo).toBe(1);
  await incoming;
  const reply = await linked.sendMessage(String(contact.body.jid), { text: 'answer' });
  await sim.control.waitForInbox(String(contact.body.phone), (e) => e.id === reply?.key.id);
  const inbox = await call('GET', `/accounts/${contact.body.phone}/inbox`);
  expect((inbox.body as unknown as { id: string }[]).some((e) => e.id === reply?.key.id)).toBe(true);
  expect((await call('PUT', '/receipts', { readDelayMs: 5 })).body).toMatchObject({ readDelayMs: 5 });
  const closedAgain = waitForClose(linked);
  expect((await call('POST', '/faults/logout', { phone: '4915100000001', deviceId: 2 })).body).toEqual({ loggedOut: true });
  expect(await closedAgain).toBe(DisconnectReason.loggedOut);
  endClient(linked);
});
