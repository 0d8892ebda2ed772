import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { DEFAULT_CONNECTION_CONFIG, DisconnectReason, jidDecode, type WAVersion } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import type { ClientVersion } from '../../src/simulator/server/client-version.ts';
import { controlScan, scanUntilLinked } from '../support/link-by-qr.ts';
import { endClient, memoryAuth, nextEvent, socketQr, startClient, waitForClose, waitForOpen } from './support/baileys-client.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(30_000);

/** The version stock Baileys announces, and one WhatsApp still accepts once it has retired that one. */
const BUILT_IN = DEFAULT_CONNECTION_CONFIG.version;
const NEWER: WAVersion = [BUILT_IN[0], BUILT_IN[1], BUILT_IN[2] + 1];
const written = (v: WAVersion) => v.join('.');

let open: Simulator;
let retiring: Simulator;
beforeAll(async () => {
  open = await createSimulator({ seed: 'client-versions', media: false });
  retiring = await createSimulator({ seed: 'client-versions-retiring', media: false, minClientVersion: NEWER });
});
afterAll(async () => {
  await open.stop();
  await retiring.stop();
});

const versionsOverHttp = async (sim: Simulator): Promise<ClientVersion[]> => {
  const res = await fetch(`${sim.httpUrl}/sim/client-versions`);
  expect(res.status).toBe(200);
  return (await res.json()) as ClientVersion[];
};

test('GET /sim/client-versions shows the version a registering client announced in its ClientPayload', async () => {
  const sock = startClient(open, memoryAuth(), { version: [2, 3000, 1234567890] });
  try {
    await nextEvent(sock, 'connection.update', (u) => !!u.qr);
    const [latest] = (await versionsOverHttp(open)).slice(-1);
    expect(latest).toMatchObject({ device: null, version: '2.3000.1234567890', refused: false });
    expect(Math.abs(Date.now() - latest!.at)).toBeLessThan(30_000);
  } finally {
    endClient(sock);
  }
});

test('a retired version is refused at registration with <failure reason=405>, before any QR; a current one registers', async () => {
  const stale = startClient(retiring, memoryAuth());
  let sawQr = false;
  stale.ev.on('connection.update', (u) => (sawQr ||= !!u.qr));
  expect(await waitForClose(stale)).toBe(405);
  expect(sawQr).toBe(false);
  expect(retiring.control.pendingPairings()).toHaveLength(0);
  expect(retiring.control.clientVersions().slice(-1)).toMatchObject([{ device: null, version: written(BUILT_IN), refused: true }]);

  const current = startClient(retiring, memoryAuth(), { version: NEWER });
  try {
    await nextEvent(current, 'connection.update', (u) => !!u.qr);
    expect(retiring.control.pendingPairings()).toHaveLength(1);
    expect(retiring.control.clientVersions().slice(-1)).toMatchObject([{ device: null, version: written(NEWER), refused: false }]);
  } finally {
    endClient(current);
  }
});

test('a linked device logging in with a retired version is refused too (405, not logged out), and logs in with a current one', async () => {
  const phone = retiring.control.createAccount({ name: 'Versions' }).phone;
  const auth = memoryAuth();
  const pairing = startClient(retiring, auth, { version: NEWER });
  const restarted = waitForClose(pairing);
  await scanUntilLinked(socketQr(pairing), controlScan(retiring.control, phone));
  expect(await restarted).toBe(DisconnectReason.restartRequired);
  const device = `${phone}:${jidDecode(auth.creds.me?.id)?.device}`;

  expect(await waitForClose(startClient(retiring, auth))).toBe(405);
  expect(retiring.control.clientVersions().slice(-1)).toMatchObject([{ device, version: written(BUILT_IN), refused: true }]);

  const sock = startClient(retiring, auth, { version: NEWER });
  try {
    await waitForOpen(sock);
    expect(retiring.control.clientVersions().slice(-1)).toMatchObject([{ device, version: written(NEWER), refused: false }]);
  } finally {
    endClient(sock);
  }
});
