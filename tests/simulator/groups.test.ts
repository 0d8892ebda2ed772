import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { createHash } from 'node:crypto';
import { decryptPollVote, getKeyAuthor, jidNormalizedUser, type proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { endClient, errorOf, nextEvent } from './support/baileys-client.ts';
import { type LinkedClient, linkedClient } from './support/world-fixture.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

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

test('a subject change by the client reaches the other members', async () => {
  const updated = nextEvent(alice.sock, 'groups.update', (u) => u.some((g) => g.subject === 'Renamed'));
  const dave = sim.control.groups().find((g) => g.jid === groupJid)?.members.find((m) => m.role === null);
  expect(dave).toBeDefined();
  const carolAsAdmin = sim.control.updateGroupParticipants(carolPhone, groupJid, 'promote', [alice.account.phone]);
  expect(carolAsAdmin[0]?.error).toBe('403');
  await alice.sock.groupUpdateSubject(groupJid, 'Renamed');
  expect((await updated)[0]?.id).toBe(groupJid);
  expect(sim.control.groups().find((g) => g.jid === groupJid)?.subject).toBe('Renamed');
});

test('group reactions and poll votes from a simulated member', async () => {
  const sent = await alice.sock.sendMessage(groupJid, { text: 'react here' });
  await sim.control.waitForInbox(carolPhone, (e) => e.id === sent?.key.id);
  const reaction = nextEvent(alice.sock, 'messages.reaction', (r) => r.some((x) => x.reaction.text === '🎉'));
  await sim.control.sendGroupReaction(carolPhone, groupJid, sent!.key.id!, alice.account.phone, '🎉');
  const [got] = await reaction;
  expect(got?.key.id).toBe(sent?.key.id);
  expect(got?.key.fromMe).toBe(true);

  const poll = await alice.sock.sendMessage(groupJid, { poll: { name: 'When?', values: ['now', 'later'], selectableCount: 1 } });
  await sim.control.waitForInbox(carolPhone, (e) => e.id === poll?.key.id);
  const update = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => !!m.message?.pollUpdateMessage));
  await sim.control.sendGroupPollVote(carolPhone, groupJid, poll!.key.id!, alice.account.phone, ['later']);
  const voteMsg = (await update).messages.find((m) => m.message?.pollUpdateMessage)!;
  const meId = jidNormalizedUser(alice.sock.user!.id);
  const vote = decryptPollVote(voteMsg.message!.pollUpdateMessage!.vote!, {
    pollEncKey: poll!.message!.messageContextInfo!.messageSecret!,
    pollCreatorJid: getKeyAuthor(poll!.key, meId),
    pollMsgId: poll!.key.id!,
    voterJid: getKeyAuthor(voteMsg.key, meId),
  });
  expect(vote.selectedOptions.map((o) => Buffer.from(o).toString('hex'))).toEqual([createHash('sha256').update('later').digest('hex')]);
});

test('a member phone that lost its sender keys asks for a retry and still gets the group message', async () => {
  const before = await alice.sock.sendMessage(groupJid, { text: 'before the reinstall' });
  await sim.control.waitForInbox(carolPhone, (e) => e.id === before?.key.id);
  await sim.control.forgetSessions(carolPhone);
  const after = await alice.sock.sendMessage(groupJid, { text: 'after the reinstall' });
  const got = await sim.control.waitForInbox(carolPhone, (e) => e.id === after?.key.id);
  expect(textOf(got.message)).toBe('after the reinstall');
});

test('listing the groups one is in, and leaving one', async () => {
  const all = await alice.sock.groupFetchAllParticipating();
  expect(all[groupJid]?.subject).toBe('Renamed');
  expect(Object.keys(await bob.sock.groupFetchAllParticipating())).not.toContain(groupJid);
  await alice.sock.groupLeave(groupJid);
  expect(sim.control.groups().find((g) => g.jid === groupJid)?.members.map((m) => m.phone)).not.toContain(alice.account.phone);
  expect(await errorOf(alice.sock.groupMetadata(groupJid))).toBeInstanceOf(Error);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
