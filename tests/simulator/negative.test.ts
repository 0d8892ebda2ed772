import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { Curve, DisconnectReason, encodeBigEndian, KEY_BUNDLE_TYPE, proto } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { deriveSecret, keyPairFromSecret } from '../../src/simulator/crypto/curve.ts';
import { buildCertChain, verifyCertChain } from '../../src/simulator/noise/noise-cert.ts';
import { importStockCurve } from '../support/stock-baileys.ts';
import { connectOpen, endClient, errorOf, memoryAuth, nextEvent, pairWithQr, startClient, waitForClose } from './support/baileys-client.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'negative-test' });
});
afterAll(() => sim.stop());

const keys = (label: string) => keyPairFromSecret(deriveSecret('negative', label));

test('a certificate chain with a wrong signature is refused by the strict check and by patched Baileys, though stock rc14 accepts it', async () => {
  const root = keys('root');
  const intermediate = keys('intermediate');
  const chain = buildCertChain({ root, intermediate, serverStatic: keys('static').public, nowSeconds: 1_700_000_000 });
  expect(verifyCertChain(chain, root.public).ok).toBe(true);
  const decoded = proto.CertChain.decode(chain);
  const forged = Buffer.from(decoded.intermediate!.signature!);
  forged[10] = forged[10]! ^ 0xff;
  decoded.intermediate!.signature = forged;
  const tampered = proto.CertChain.encode(decoded).finish();
  expect(verifyCertChain(tampered, root.public)).toEqual({ ok: false, reason: 'intermediate signature invalid' });
  // The upstream flaw: stock rc14's Curve.verify says yes to the forgery; the patched one says no.
  expect((await importStockCurve()).verify(root.public, decoded.intermediate!.details!, forged)).toBe(true);
  expect(Curve.verify(root.public, decoded.intermediate!.details!, forged)).toBe(false);
  const genuine = proto.CertChain.decode(chain).intermediate!.signature!;
  expect(Curve.verify(root.public, decoded.intermediate!.details!, genuine)).toBe(true);
});

test('a client whose signed prekey signature is wrong is refused at registration', async () => {
  const auth = memoryAuth();
  const signature = Buffer.from(auth.creds.signedPreKey.signature);
  signature[5] = signature[5]! ^ 0x01;
  auth.creds.signedPreKey.signature = signature;
  const sock = startClient(sim, auth);
  let sawQr = false;
  sock.ev.on('connection.update', (u) => (sawQr ||= !!u.qr));
  expect(await waitForClose(sock)).toBe(DisconnectReason.forbidden);
  expect(sawQr).toBe(false);
  expect(sim.control.pendingPairings()).toHaveLength(0);
});

test('a server presenting the wrong certificate serial is refused by the client', async () => {
  const wrongSerial = await createSimulator({ seed: 'negative-test', certIssuerSerial: 7 });
  try {
    const sock = startClient(wrongSerial, memoryAuth());
    const update = await nextEvent(sock, 'connection.update', (u) => u.connection === 'close');
    expect(String(update.lastDisconnect?.error)).toContain('certification match failed');
    expect(wrongSerial.control.pendingPairings()).toHaveLength(0);
  } finally {
    await wrongSerial.stop();
  }
});

test('an unknown device, or a known one with another noise key, is refused at login (401)', async () => {
  const unknown = memoryAuth();
  unknown.creds.me = { id: '15559999999:4@s.whatsapp.net', name: 'ghost' };
  expect(await waitForClose(startClient(sim, unknown))).toBe(DisconnectReason.loggedOut);

  const erin = sim.control.createAccount({ name: 'Erin' });
  const paired = await pairWithQr(sim, erin.phone);
  const impostor = memoryAuth();
  impostor.creds.me = paired.creds.me;
  expect(await waitForClose(startClient(sim, impostor))).toBe(DisconnectReason.loggedOut);
  expect(sim.control.getAccount(erin.phone).devices[0]?.online).toBe(false);
});

test('a prekey upload whose signed prekey signature is wrong is refused (406)', async () => {
  const kai = sim.control.createAccount({ name: 'Kai' });
  const auth = await pairWithQr(sim, kai.phone);
  const sock = await connectOpen(sim, auth);
  const { signedPreKey, signedIdentityKey, registrationId } = auth.creds;
  const forged = Buffer.from(signedPreKey.signature);
  forged[0] = forged[0]! ^ 0x80;
  const upload = sock.query({
    tag: 'iq',
    attrs: { to: 's.whatsapp.net', xmlns: 'encrypt', type: 'set' },
    content: [
      { tag: 'registration', attrs: {}, content: encodeBigEndian(registrationId) },
      { tag: 'type', attrs: {}, content: KEY_BUNDLE_TYPE },
      { tag: 'identity', attrs: {}, content: signedIdentityKey.public },
      { tag: 'list', attrs: {}, content: [] },
      { tag: 'skey', attrs: {}, content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(signedPreKey.keyId + 1, 3) },
        { tag: 'value', attrs: {}, content: signedPreKey.keyPair.public },
        { tag: 'signature', attrs: {}, content: forged },
      ] },
    ],
  });
  expect(String(await errorOf(upload))).toContain('bad-signature');
  endClient(sock);
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
