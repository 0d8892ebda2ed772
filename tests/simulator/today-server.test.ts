import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Browsers, type UserFacingSocketConfig, WA_CERT_DETAILS, type WASocket } from '@whiskeysockets/baileys';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import { parseQr } from '../../src/simulator/control/qr-code.ts';
import { controlScan, pushedQr, type QrSource, scanUntilLinked } from '../support/link-by-qr.ts';
import { importStockBaileys } from '../support/stock-baileys.ts';
import { connectOpen, endClient, memoryAuth, type MemoryAuth, nextEvent, type SimEndpoint, socketQr, startClient, waitForClose } from './support/baileys-client.ts';

/*
 * Linking against WhatsApp as it is in late 2026 (shared/notes/whatsapp-2026.md), with the patched
 * Baileys the gateway runs and with stock rc14 as npm ships it. Each patch hunk (patches/) has a
 * test here that passes with the patched client and fails with stock rc14.
 */

const REAL_WA_ROOT = Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY);
const stock = await importStockBaileys();

/** A socket of stock rc14, configured as startClient configures the patched one. */
const startStockClient = (sim: SimEndpoint, auth: Pick<MemoryAuth, 'creds' | 'keys'>, config: Partial<UserFacingSocketConfig> = {}): WASocket => startClient(sim, auth, config, stock);

/** Every QR a socket showed, in order. */
const qrLog = (sock: WASocket): string[] => {
  const seen: string[] = [];
  sock.ev.on('connection.update', (u) => u.qr && seen.push(u.qr));
  return seen;
};
const refOf = (qr: string) => parseQr(qr).ref;
const secretOf = (qr: string) => parseQr(qr).advSecret.toString('base64');

let today: Simulator;
let twice: Simulator;
let rotateChild: Simulator;
let old: Simulator;
beforeAll(async () => {
  [today, twice, rotateChild, old] = await Promise.all([
    createSimulator({ seed: 'today-server', media: false }),
    createSimulator({ seed: 'today-twice', media: false, pairing: { qrRefreshes: 2 } }),
    createSimulator({ seed: 'today-rotate', media: false, pairing: { qrRefreshChild: 'pair-device-rotate-qr' } }),
    createSimulator({ seed: 'rc14-server', media: false, era: 'rc14' }),
  ]);
});
afterAll(async () => {
  await Promise.all([today, twice, rotateChild, old].map((s) => s.stop()));
  WA_CERT_DETAILS.PUBLIC_KEY = REAL_WA_ROOT;
});

/** Links a patched client by QR and opens it; returns how many scans the server refused. */
const linkPatched = async (sim: Simulator) => {
  const auth = memoryAuth();
  const phone = sim.control.createAccount({ name: 'Patched' }).phone;
  const sock = startClient(sim, auth);
  const qrs = qrLog(sock);
  const closed = waitForClose(sock);
  const refused = await scanUntilLinked(socketQr(sock), controlScan(sim.control, phone));
  expect(await closed).toBe(515);
  const open = await connectOpen(sim, auth);
  expect(auth.creds.me?.id).toStartWith(`${phone}:`);
  endClient(open);
  return { refused, qrs };
};

describe('QR registration refresh (companion_reg_refresh)', () => {
  test('the patched client links after one refresh: same ref, a new ADV secret, acked', async () => {
    const { refused, qrs } = await linkPatched(today);
    expect(refused).toBe(1);
    expect(qrs.length).toBeGreaterThanOrEqual(2);
    const [first, second] = qrs as [string, string];
    expect(refOf(second)).toBe(refOf(first));
    expect(secretOf(second)).not.toBe(secretOf(first));
    expect(parseQr(second).advSecret).toHaveLength(32);
  });

  test('the patched client links after two refreshes', async () => {
    expect((await linkPatched(twice)).refused).toBe(2);
  });

  test('the refresh may come as pair-device-rotate-qr', async () => {
    expect((await linkPatched(rotateChild)).refused).toBe(1);
  });

  test('stock rc14 never links on today\'s server: it keeps the retired secret and never acks', async () => {
    const auth = memoryAuth();
    const phone = today.control.createAccount({ name: 'Stock' }).phone;
    const sock = startStockClient(today, auth);
    const qrs: QrSource = pushedQr((onQr) => sock.ev.on('connection.update', (u) => u.qr && onQr(u.qr)), 2_000);
    const scan = controlScan(today.control, phone);
    const qr = await qrs.next();
    expect(await scan(qr)).toBe('refused');
    // Its ack of the refresh is lost (built from creds.me.id, unset before pairing: the ack-before-login hunk).
    await Bun.sleep(300);
    expect(today.control.pendingPairings().find((p) => p.refs.includes(refOf(qr)))).toMatchObject({ refreshesSent: 1, refreshesAcked: 0 });
    // The QR on screen does not change, and scanning it again fails: the server retired its secret.
    await expect(qrs.next(qr)).rejects.toThrow(/no new QR/);
    await expect(today.control.scanQr(phone, qr)).rejects.toThrow(/retired/);
    expect(auth.creds.me).toBeUndefined();
    sock.end(undefined);
  });

  test('the switch: stock rc14 links against the server of its own release', async () => {
    const auth = memoryAuth();
    const phone = old.control.createAccount({ name: 'Old times' }).phone;
    const sock = startStockClient(old, auth);
    const qrs = pushedQr((onQr) => sock.ev.on('connection.update', (u) => u.qr && onQr(u.qr)));
    const closed = waitForClose(sock);
    expect(await scanUntilLinked(qrs, controlScan(old.control, phone))).toBe(0);
    expect(await closed).toBe(515);
    expect(auth.creds.me?.id).toStartWith(`${phone}:`);
  });
});

describe('pairing codes', () => {
  test('an accepted request yields a code that links', async () => {
    const auth = memoryAuth();
    const phone = today.control.createAccount({ name: 'Coder' }).phone;
    const sock = startClient(today, auth);
    await nextEvent(sock, 'connection.update', (u) => !!u.qr);
    const code = await sock.requestPairingCode(phone);
    const closed = waitForClose(sock);
    await today.control.enterPairingCode(phone, code);
    expect(await closed).toBe(515);
    endClient(await connectOpen(today, auth));
  });

  const refusedRequest = async (start: typeof startClient, browser: UserFacingSocketConfig['browser'], phone: string) => {
    const sock = start(today, memoryAuth(), { browser });
    await nextEvent(sock, 'connection.update', (u) => !!u.qr);
    try {
      return await sock.requestPairingCode(phone).then(
        (code) => ({ code }),
        (error: Error) => ({ error }),
      );
    } finally {
      sock.end(undefined);
    }
  };

  test('a number not on WhatsApp: the patched client rejects, stock rc14 returns a code nobody registered', async () => {
    const patched = await refusedRequest(startClient, Browsers.ubuntu('Chrome'), '4915999999999');
    expect('error' in patched && patched.error.message).toMatch(/item-not-found/);
    const stockResult = await refusedRequest(startStockClient, Browsers.ubuntu('Chrome'), '4915999999999');
    expect('code' in stockResult && stockResult.code).toHaveLength(8);
  });

  test('a device name the server refuses ("Chrome (Acme)"): 400 bad-request, not a dead code', async () => {
    const phone = today.control.createAccount({ name: 'Acme user' }).phone;
    const patched = await refusedRequest(startClient, ['Acme', 'Chrome', '1.0'], phone);
    expect('error' in patched && patched.error.message).toMatch(/bad-request/);
  });
});

describe('server trust (strict-verify and leaf-binds-static)', () => {
  let impostor: Simulator;
  beforeAll(async () => {
    impostor = await createSimulator({ seed: 'impostor', media: false, replayCertChainOf: 'today-server' });
  });
  afterAll(() => impostor.stop());

  /** Connects a fresh client trusting `root` to `url`; whether it ever showed a QR, and how it closed. */
  const attempt = async (start: typeof startClient, url: string, root: Buffer) => {
    const sock = start({ url, rootPublicKey: root }, memoryAuth());
    let sawQr = false;
    sock.ev.on('connection.update', (u) => (sawQr ||= !!u.qr));
    const closed = await nextEvent(sock, 'connection.update', (u) => u.connection === 'close' || !!u.qr, 10_000);
    sock.end(undefined);
    return { sawQr, error: closed.lastDisconnect?.error?.message ?? '' };
  };

  test("with WhatsApp's own root (no trust key), the simulator is refused before any QR", async () => {
    const result = await attempt(startClient, today.url, REAL_WA_ROOT);
    expect(result.sawQr).toBe(false);
    expect(result.error).toMatch(/noise intermediate certificate signature invalid/);
  });

  test('with a wrong trust key, refused; stock rc14 shows a QR to the same server', async () => {
    const wrong = old.rootPublicKey;
    expect((await attempt(startClient, today.url, wrong)).sawQr).toBe(false);
    expect((await attempt(startStockClient, today.url, wrong)).sawQr).toBe(true);
  });

  test("an impostor replaying the genuine server's public chain with its own key is refused", async () => {
    const result = await attempt(startClient, impostor.url, today.rootPublicKey);
    expect(result.sawQr).toBe(false);
    expect(result.error).toMatch(/does not certify the server static key/);
    // Stock rc14 (even with strict signatures it would pass: the chain is genuine) shows the impostor a QR.
    expect((await attempt(startStockClient, impostor.url, today.rootPublicKey)).sawQr).toBe(true);
  });

  test('the genuine server with the right key is trusted', async () => {
    expect((await attempt(startClient, today.url, today.rootPublicKey)).sawQr).toBe(true);
  });
});
