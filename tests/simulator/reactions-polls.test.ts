import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { decryptPollVote, getKeyAuthor, jidNormalizedUser } from '@whiskeysockets/baileys';
import { createHash } from 'node:crypto';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { endClient, nextEvent } from './support/baileys-client.ts';
import { type LinkedClient, linkedClient } from './support/world-fixture.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
let alice: LinkedClient;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'reactions-polls-test' });
  alice = await linkedClient(sim, 'Alice');
});
afterAll(async () => {
  endClient(alice.sock);
  await sim.stop();
});

test('reactions both ways', async () => {
  const jo = sim.control.createAccount({ name: 'Jo' });
  const sent = await alice.sock.sendMessage(jo.jid, { text: 'react to me' });
  await sim.control.waitForInbox(jo.phone, (e) => e.id === sent?.key.id);
  const reaction = nextEvent(alice.sock, 'messages.reaction', (r) => r.some((x) => x.reaction.text === '👍'));
  await sim.control.sendReaction(jo.phone, alice.account.phone, sent!.key.id!, '👍');
  const [got] = await reaction;
  expect(got?.key.id).toBe(sent?.key.id);
  expect(got?.key.fromMe).toBe(true);

  const incoming = await sim.control.sendText(jo.phone, alice.account.phone, 'now you react');
  const mine = await alice.sock.sendMessage(jo.jid, { react: { text: '❤️', key: { remoteJid: jo.jid, fromMe: false, id: incoming.id } } });
  const entry = await sim.control.waitForInbox(jo.phone, (e) => e.id === mine?.key.id);
  expect(entry.message.reactionMessage?.text).toBe('❤️');
  expect(entry.message.reactionMessage?.key?.id).toBe(incoming.id);
});

test('a poll the client creates gets a vote that decrypts with decryptPollVote', async () => {
  const kim = sim.control.createAccount({ name: 'Kim' });
  const poll = await alice.sock.sendMessage(kim.jid, { poll: { name: 'Lunch?', values: ['pizza', 'sushi', 'salad'], selectableCount: 1 } });
  await sim.control.waitForInbox(kim.phone, (e) => e.id === poll?.key.id);
  const update = nextEvent(alice.sock, 'messages.upsert', (u) => u.messages.some((m) => !!m.message?.pollUpdateMessage));
  await sim.control.sendPollVote(kim.phone, alice.account.phone, poll!.key.id!, ['sushi']);
  const voteMsg = (await update).messages.find((m) => m.message?.pollUpdateMessage)!;
  const pollUpdate = voteMsg.message!.pollUpdateMessage!;
  expect(pollUpdate.pollCreationMessageKey?.id).toBe(poll?.key.id);
  const meId = jidNormalizedUser(alice.sock.user!.id);
  const decrypted = decryptPollVote(pollUpdate.vote!, {
    pollEncKey: poll!.message!.messageContextInfo!.messageSecret!,
    pollCreatorJid: getKeyAuthor(poll!.key, meId),
    pollMsgId: poll!.key.id!,
    voterJid: getKeyAuthor(voteMsg.key, meId),
  });
  expect(decrypted.selectedOptions.map((o) => Buffer.from(o).toString('hex'))).toEqual([createHash('sha256').update('sushi').digest('hex')]);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
