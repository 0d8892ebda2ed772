import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { jidNormalizedUser, proto, type UserFacingSocketConfig, type WASocket } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import type { AccountView } from '../../src/simulator/control/control-views.ts';
import { endClient, nextEvent, pairWithQr, startClient, waitForOpen, waitForStatus } from './support/baileys-client.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(60_000);

/** The setting gateways used to turn history sync off with, and what it cost them (Baileys #2580). */
const OLD_POLICY: Partial<UserFacingSocketConfig> = { shouldSyncHistoryMessage: () => false };

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'lid-addressing-test', receipts: { deliveredDelayMs: 20, readDelayMs: 20 } });
});
afterAll(() => sim.stop());

/** Links a fresh device to `owner` and connects it with `config`; resolves once it is open. */
const freshLink = async (owner: AccountView, config: Partial<UserFacingSocketConfig> = {}): Promise<WASocket> => {
  const auth = await pairWithQr(sim, owner.phone);
  const sock = startClient(sim, auth, config);
  await waitForOpen(sock);
  return sock;
};

/**
 * `from` writes to `to`'s linked device; resolves with what Baileys made of it. Baileys handles
 * messages one after another, so the history sync that came before has been processed by then.
 */
const receive = async (sock: WASocket, from: AccountView, to: AccountView, text: string) => {
  const got = nextEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === text));
  await sim.control.sendText(from.phone, to.phone, text);
  const message = (await got).messages.find((m) => m.message?.conversation === text);
  if (!message) throw new Error('message not found');
  return message;
};

const storedPn = async (sock: WASocket, lid: string): Promise<string | null> => {
  const pn = await sock.signalRepository.lidMapping.getPNForLID(lid);
  return pn ? jidNormalizedUser(pn) : null;
};

/**
 * Sends a text and resolves with the server's verdict: delivered to the phone, or the ack's error. On a
 * first connection Baileys holds its events until the history sync arrives, or for 20 s if it is late
 * (Socket/chats.js, AwaitingInitialSync): on a loaded CI the verdict can come only then.
 */
const sendOutcome = async (sock: WASocket, to: AccountView, id: string): Promise<'delivered' | string> => {
  const failed = waitForStatus(sock, id, proto.WebMessageInfo.Status.ERROR, 40_000).then((s) => (s.messageStubParameters ?? []).join(': '));
  const arrived = sim.control.waitForInbox(to.phone, (e) => e.id === id, 40_000).then(() => 'delivered');
  await sock.sendMessage(to.jid, { text: `message ${id}` }, { messageId: id });
  return Promise.any([failed, arrived]);
};

test('1:1 messages come from the LID, with sender_pn where the number is disclosed and without it where not', async () => {
  const shop = sim.control.createAccount({ name: 'Shop' });
  const open = sim.control.createAccount({ name: 'Open' });
  const hidden = sim.control.createAccount({ name: 'Hidden', hidesPhoneNumber: true });
  const sock = await freshLink(shop);
  expect((await receive(sock, open, shop, 'number shown')).key).toMatchObject({ remoteJid: open.lid, remoteJidAlt: open.jid });
  const anonymous = await receive(sock, hidden, shop, 'number hidden');
  expect(anonymous.key.remoteJid).toBe(hidden.lid);
  expect(anonymous.key.remoteJidAlt).toBeUndefined();
  // Nothing told this device the number: no chat existed when it was linked.
  expect(await storedPn(sock, hidden.lid)).toBeNull();
  endClient(sock);
});

test("a fresh link's history sync maps an existing chat's LID to its phone number; with history sync off it does not", async () => {
  const shop = sim.control.createAccount({ name: 'Shop2' });
  const hidden = sim.control.createAccount({ name: 'Hidden2', hidesPhoneNumber: true });
  sim.control.openChat(shop.phone, hidden.phone);

  const synced = await freshLink(shop);
  const message = await receive(synced, hidden, shop, 'who am I?');
  expect(message.key.remoteJidAlt).toBeUndefined();
  expect(await storedPn(synced, hidden.lid)).toBe(hidden.jid);
  endClient(synced);

  const unsynced = await freshLink(shop, OLD_POLICY);
  await receive(unsynced, hidden, shop, 'and now?');
  expect(await storedPn(unsynced, hidden.lid)).toBeNull();
  endClient(unsynced);
});

test("a contact that requires a privacy token gets the history sync's token; without one the server refuses with 463", async () => {
  const shop = sim.control.createAccount({ name: 'Shop3' });
  const regular = sim.control.createAccount({ name: 'Regular', requiresToken: true });
  const stranger = sim.control.createAccount({ name: 'Stranger', requiresToken: true });
  sim.control.openChat(shop.phone, regular.phone);

  const synced = await freshLink(shop);
  // The history sync is processed once a later message has been; the token is then in the key store.
  await receive(synced, sim.control.createAccount({ name: 'Marker' }), shop, 'marker');
  expect(await sendOutcome(synced, regular, '3EB0TOKENOK0000001')).toBe('delivered');
  expect(await sendOutcome(synced, stranger, '3EB0NOTOKEN0000001')).toStartWith('463');
  expect(sim.control.inbox(stranger.phone)).toHaveLength(0);
  endClient(synced);

  const unsynced = await freshLink(shop, OLD_POLICY);
  await receive(unsynced, sim.control.createAccount({ name: 'Marker2' }), shop, 'marker 2');
  expect(await sendOutcome(unsynced, regular, '3EB0OLDPOLICY00001')).toStartWith('463');
  endClient(unsynced);
});

test('a contact who writes first grants a privacy token by notification, so the linked device can answer', async () => {
  const shop = sim.control.createAccount({ name: 'Shop4' });
  const customer = sim.control.createAccount({ name: 'Customer', requiresToken: true });
  const sock = await freshLink(shop);
  expect(await sendOutcome(sock, customer, '3EB0BEFOREWRITE001')).toStartWith('463');
  await receive(sock, customer, shop, 'hello shop');
  expect(sim.control.getAccount(shop.phone).chats).toEqual([customer.phone]);
  expect(await sendOutcome(sock, customer, '3EB0AFTERWRITE0001')).toBe('delivered');
  endClient(sock);
});

test('the reach-out timelock tells a restricted account from a missing token (both are 463)', async () => {
  const shop = sim.control.createAccount({ name: 'Shop5' });
  const sock = await freshLink(shop);
  expect((await sock.fetchAccountReachoutTimelock()).isActive).toBe(false);
  sim.control.setRestricted(shop.phone, true);
  const restricted = await sock.fetchAccountReachoutTimelock();
  expect(restricted.isActive).toBe(true);
  expect(restricted.timeEnforcementEnds?.getTime()).toBeGreaterThan(Date.now());
  expect(await sendOutcome(sock, sim.control.createAccount({ name: 'Anyone' }), '3EB0RESTRICTED0002')).toStartWith('463');
  sim.control.setRestricted(shop.phone, false);
  endClient(sock);
});

test('group messages are LID-addressed, with participant_pn only where the number is disclosed', async () => {
  const shop = sim.control.createAccount({ name: 'Shop6' });
  const shown = sim.control.createAccount({ name: 'Shown' });
  const hidden = sim.control.createAccount({ name: 'Hidden6', hidesPhoneNumber: true });
  const sock = await freshLink(shop);
  const group = sim.control.createGroup(shown.phone, 'LID group', [shop.phone, hidden.phone]);
  const message = async (from: AccountView, text: string) => {
    const got = nextEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === text));
    await sim.control.sendGroupText(from.phone, group.jid, text);
    return (await got).messages[0];
  };
  expect((await message(shown, 'from shown'))?.key).toMatchObject({ remoteJid: group.jid, participant: shown.lid, participantAlt: shown.jid, addressingMode: 'lid' });
  const anonymous = await message(hidden, 'from hidden');
  expect(anonymous?.key).toMatchObject({ remoteJid: group.jid, participant: hidden.lid });
  expect(anonymous?.key.participantAlt).toBeUndefined();
  endClient(sock);
});

test('addressing "pn" plays the older server: 1:1 messages come from the phone number with sender_lid', async () => {
  const legacy = await createSimulator({ seed: 'lid-addressing-legacy', addressing: 'pn' });
  try {
    const shop = legacy.control.createAccount({ name: 'Old shop' });
    const contact = legacy.control.createAccount({ name: 'Old contact' });
    const auth = await pairWithQr(legacy, shop.phone);
    const sock = startClient(legacy, auth);
    await waitForOpen(sock);
    const got = nextEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'old style'));
    await legacy.control.sendText(contact.phone, shop.phone, 'old style');
    expect((await got).messages[0]?.key).toMatchObject({ remoteJid: contact.jid, remoteJidAlt: contact.lid });
    endClient(sock);
  } finally {
    await legacy.stop();
  }
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
