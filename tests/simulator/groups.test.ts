import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { endClient, nextEvent } from './support/baileys-client.ts';
import { type LinkedClient, linkedClient } from './support/world-fixture.ts';

const textOf = (m: proto.IMessage | null | undefined) => m?.conversation ?? m?.extendedTextMessage?.text;

let sim: Simulator;
let alice: LinkedClient;
let bob: LinkedClient;
let carolPhone: string;
let groupJid: string;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'groups-test', receipts: { deliveredDelayMs: 20, readDelayMs: 20 } });
  alice = await linkedClient(sim, 'Alice');
  bob = await linkedClient(sim, 'Bob');
  carolPhone = sim.control.createAccount({ name: 'Carol' }).phone;
});
afterAll(async () => {
  endClient(alice.sock);
  endClient(bob.sock);
  await sim.stop();
});

test('a client creates a group; members are notified', async () => {
  const upserted = nextEvent(bob.sock, 'groups.upsert', (g) => g.some((x) => x.subject === 'Team'));
  const meta = await alice.sock.groupCreate('Team', [bob.account.jid, sim.control.getAccount(carolPhone).jid]);
  groupJid = meta.id;
  expect(meta.participants).toHaveLength(3);
  expect(meta.participants.find((p) => p.phoneNumber === alice.account.jid)?.admin).toBe('superadmin');
  expect((await upserted)[0]?.id).toBe(groupJid);
  expect((await bob.sock.groupMetadata(groupJid)).subject).toBe('Team');
});

test('sender-key group messages both ways', async () => {
  const atBob = nextEvent(bob.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'hello team'));
  const receipt = nextEvent(alice.sock, 'message-receipt.update', (r) => r.some((x) => !!x.receipt.readTimestamp));
  const sent = await alice.sock.sendMessage(groupJid, { text: 'hello team' });
  const atCarol = await sim.control.waitForInbox(carolPhone, (e) => e.id === sent?.key.id);
  expect(atCarol.chat).toBe(groupJid);
  expect(textOf(atCarol.message)).toBe('hello team');
  const [bobsCopy] = (await atBob).messages;
  expect(bobsCopy?.key.remoteJid).toBe(groupJid);
  expect((await receipt)[0]?.key.id).toBe(sent?.key.id);

  const atAlice = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'hi from carol'));
  const atBob2 = nextEvent(bob.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'hi from carol'));
  await sim.control.sendGroupText(carolPhone, groupJid, 'hi from carol');
  expect((await atAlice).messages[0]?.key.participant).toBe(sim.control.getAccount(carolPhone).lid);
  await atBob2;
  const again = nextEvent(bob.sock, 'messages.upsert', (u) => u.messages.some((m) => textOf(m.message) === 'second from carol'));
  await sim.control.sendGroupText(carolPhone, groupJid, 'second from carol');
  await again;
});

test('participants: promote by the client, remove and add by a simulated admin, refused for non-admins', async () => {
  const promoted = nextEvent(bob.sock, 'group-participants.update', (u) => u.action === 'promote');
  const [result] = await alice.sock.groupParticipantsUpdate(groupJid, [sim.control.getAccount(carolPhone).jid], 'promote');
  expect(result?.status).toBe('200');
  expect((await promoted).participants[0]?.id).toBe(sim.control.getAccount(carolPhone).lid);

  const refused = await bob.sock.groupParticipantsUpdate(groupJid, [sim.control.createAccount({ name: 'Zed' }).jid], 'add');
  expect(refused[0]?.status).toBe('403');

  const removed = nextEvent(alice.sock, 'group-participants.update', (u) => u.action === 'remove');
  const bobRemoved = nextEvent(bob.sock, 'group-participants.update', (u) => u.action === 'remove');
  expect(sim.control.updateGroupParticipants(carolPhone, groupJid, 'remove', [bob.account.phone])).toEqual([{ phone: bob.account.phone, error: null }]);
  expect((await removed).author).toBe(sim.control.getAccount(carolPhone).lid);
  await bobRemoved;

  const dave = sim.control.createAccount({ name: 'Dave' });
  const added = nextEvent(alice.sock, 'group-participants.update', (u) => u.action === 'add');
  sim.control.updateGroupParticipants(carolPhone, groupJid, 'add', [dave.phone]);
  expect((await added).participants[0]?.id).toBe(dave.lid);
  const demoted = nextEvent(alice.sock, 'group-participants.update', (u) => u.action === 'demote');
  await alice.sock.groupParticipantsUpdate(groupJid, [sim.control.getAccount(carolPhone).jid], 'demote');
  await demoted;
  expect(sim.control.groups().find((g) => g.jid === groupJid)?.members.map((m) => m.phone).sort()).toEqual([alice.account.phone, carolPhone, dave.phone].sort());

  const sent = await alice.sock.sendMessage(groupJid, { text: 'welcome dave' });
  const atDave = await sim.control.waitForInbox(dave.phone, (e) => e.id === sent?.key.id);
  expect(textOf(atDave.message)).toBe('welcome dave');
});
