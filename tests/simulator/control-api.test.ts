import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, memoryAuth, nextEvent, socketQr, startClient, waitForClose } from './support/baileys-client.ts';
import { controlScan, scanUntilLinked } from '../support/link-by-qr.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

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
  const qrs = socketQr(sock);
  const qr = await qrs.next();
  expect((await call('GET', '/pairings')).body as unknown as unknown[]).toHaveLength(1);
  const closed = waitForClose(sock);
  // Today's server refreshes the registration at the first scan; the phone then scans the new QR.
  const refused = await call('POST', '/pairings/scan', { phone: '4915100000001', qr });
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({ success: false, code: 'CONFLICT' });
  const scanned = await call('POST', '/pairings/scan', { phone: '4915100000001', qr: await qrs.next(qr) });
  expect(scanned.body.devices).toHaveLength(1);
  expect(await closed).toBe(DisconnectReason.restartRequired);
  const linked = await connectOpen(sim, auth);
  const incoming = nextEvent(linked, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'from the sandbox'));
  const sent = await call('POST', `/accounts/${contact.body.phone}/messages/text`, { to: '4915100000001', text: 'from the sandbox' });
  expect(sent.body.deliveredTo).toBe(1);
  await incoming;
  const acked = (await call('GET', '/stats')).body.clientMessagesAcked as number;
  const reply = await linked.sendMessage(String(contact.body.jid), { text: 'answer' });
  await sim.control.waitForInbox(String(contact.body.phone), (e) => e.id === reply?.key.id);
  expect((await call('GET', '/stats')).body).toEqual({ clientMessagesAcked: acked + 1, connections: 1, replacedLogins: 0 });
  const inbox = await call('GET', `/accounts/${contact.body.phone}/inbox`);
  expect((inbox.body as unknown as { id: string }[]).some((e) => e.id === reply?.key.id)).toBe(true);
  expect((await call('PUT', '/receipts', { readDelayMs: 5 })).body).toMatchObject({ readDelayMs: 5 });
  const closedAgain = waitForClose(linked);
  expect((await call('POST', '/faults/logout', { phone: '4915100000001', deviceId: 2 })).body).toEqual({ loggedOut: true });
  expect(await closedAgain).toBe(DisconnectReason.loggedOut);
  endClient(linked);
});

test('groups, media and participant changes driven over HTTP reach a linked client', async () => {
  const member = await call('POST', '/accounts', { name: 'Linked member' });
  const auth = memoryAuth();
  const sock = startClient(sim, auth);
  await scanUntilLinked(socketQr(sock), controlScan(sim.control, member.body.phone as string));
  const linked = await connectOpen(sim, auth);
  const admin = await call('POST', '/accounts', { name: 'Sim admin' });
  const other = await call('POST', '/accounts', { name: 'Sim other' });

  expect((await call('POST', '/groups', { creator: admin.body.phone, subject: 'x', members: ['not-a-phone'] })).status).toBe(400);
  const upserted = nextEvent(linked, 'groups.upsert', (g) => g.some((x) => x.subject === 'HTTP group'));
  const group = await call('POST', '/groups', { creator: admin.body.phone, subject: 'HTTP group', members: [member.body.phone, other.body.phone] });
  const jid = String(group.body.jid);
  expect((await upserted)[0]?.id).toBe(jid);

  const text = nextEvent(linked, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'group hello'));
  await call('POST', `/groups/${jid}/messages/text`, { from: other.body.phone, text: 'group hello' });
  expect((await text).messages[0]?.key.remoteJid).toBe(jid);

  const removed = nextEvent(linked, 'group-participants.update', (u) => u.action === 'remove');
  const result = await call('POST', `/groups/${jid}/participants`, { actor: admin.body.phone, action: 'remove', phones: [other.body.phone] });
  expect(result.body).toEqual([{ phone: other.body.phone, error: null }] as unknown as Record<string, unknown>);
  expect((await removed).participants[0]?.id).toBe(String(other.body.lid));

  const image = nextEvent(linked, 'messages.upsert', (u) => u.messages.some((m) => !!m.message?.imageMessage));
  const media = await call('POST', `/accounts/${admin.body.phone}/messages/media`, {
    to: member.body.phone,
    kind: 'image',
    mimetype: 'image/jpeg',
    dataBase64: Buffer.from('not really a jpeg').toString('base64'),
    caption: 'look',
  });
  expect(media.status).toBe(200);
  const got = (await image).messages[0]?.message?.imageMessage;
  expect(got?.caption).toBe('look');
  expect(got?.url).toStartWith('https://127.0.0.1:');
  expect(Buffer.from(got?.fileSha256 ?? []).toString('hex')).toBe(new Bun.CryptoHasher('sha256').update('not really a jpeg').digest('hex'));
  endClient(linked);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
