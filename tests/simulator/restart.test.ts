import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisconnectReason, type proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { connectOpen, endClient, nextEvent, waitForClose } from './support/baileys-client.ts';
import { linkedClient } from './support/world-fixture.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

const textOf = (m: proto.IMessage | null | undefined) => m?.conversation ?? m?.extendedTextMessage?.text;

let dir: string;
const running: Simulator[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wa-sim-state-'));
});
afterAll(async () => {
  for (const sim of running) await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a restarted simulator process keeps linked devices, Signal sessions and groups in its state file', async () => {
  const statePath = join(dir, 'state.json');
  const first = await createSimulator({ seed: 'restart-test', statePath, media: false });
  running.push(first);
  const alice = await linkedClient(first, 'Alice');
  const carol = first.control.createAccount({ name: 'Carol' });
  const hello = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'before'));
  await first.control.sendText(carol.phone, alice.account.phone, 'before');
  await hello;
  const reply = await alice.sock.sendMessage(carol.jid, { text: 'reply before' });
  await first.control.waitForInbox(carol.phone, (e) => e.id === reply?.key.id);
  const group = first.control.createGroup(carol.phone, 'Survivors', [alice.account.phone]);
  const groupHello = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'group before'));
  await first.control.sendGroupText(carol.phone, group.jid, 'group before');
  await groupHello;

  const closed = waitForClose(alice.sock);
  await first.stop();
  running.pop();
  expect(await closed).toBe(DisconnectReason.connectionClosed);

  const second = await createSimulator({ seed: 'restart-test', statePath, media: false });
  running.push(second);
  expect(second.control.getAccount(alice.account.phone).devices).toHaveLength(1);
  const sock = await connectOpen(second, alice.auth);
  const after = nextEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'after'));
  expect((await second.control.sendText(carol.phone, alice.account.phone, 'after')).encTypes).toEqual(['msg']);
  await after;
  const sent = await sock.sendMessage(carol.jid, { text: 'reply after' });
  const got = await second.control.waitForInbox(carol.phone, (e) => e.id === sent?.key.id);
  expect(textOf(got.message)).toBe('reply after');
  const groupAfter = nextEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'group after'));
  await second.control.sendGroupText(carol.phone, group.jid, 'group after');
  expect((await groupAfter).messages[0]?.key.remoteJid).toBe(group.jid);
  expect(second.control.errors()).toEqual([]);
  endClient(sock);
});
