/**
 * bench:sessions — N Baileys sessions in this Bun process against the simulator in a second process.
 *   bun run bench:sessions [sizes=1,100,500] [concurrency=10]
 * Reports RSS per session above the N=1 baseline, connect-to-open p50/p95 (first login after pairing,
 * which includes generating and uploading 812 prekeys), and send-to-read round trip minus the
 * configured receipt delays.
 */
import { DisconnectReason, proto, type WASocket } from '@whiskeysockets/baileys';
import type { Simulator } from '../src/simulator/create-simulator.ts';
import { quietLibsignal } from '../src/whatsapp/quiet-libsignal.ts';
import { spawnSimulatorChild } from './simulator-child.ts';
import { httpScan, scanUntilLinked } from '../tests/support/link-by-qr.ts';
import { type MemoryAuth, memoryAuth, socketQr, startClient, waitForClose, waitForOpen, waitForStatus } from '../tests/simulator/support/baileys-client.ts';

// libsignal prints whole session records on every new session; 500 of them would bury the figures.
quietLibsignal();

const DELIVERED_MS = 200;
const READ_MS = 300;
const sizes = (process.argv[2] ?? '1,100,500').split(',').map(Number);
const concurrency = Number(process.argv[3] ?? 10);

const { proc: simProcess, info } = await spawnSimulatorChild(DELIVERED_MS, READ_MS);
const sim = { url: info.url, rootPublicKey: Buffer.from(info.rootKey, 'hex') } as Pick<Simulator, 'url' | 'rootPublicKey'> as Simulator;

const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${info.httpUrl}/sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

interface Session {
  sock: WASocket;
  auth: MemoryAuth;
  phone: string;
}

const contact = await control<{ jid: string }>('POST', '/accounts', { name: 'Bench contact' });

/** Pairs a new account over the control API, then times a fresh socket from creation to `open`. */
const newSession = async (): Promise<{ session: Session; openMs: number }> => {
  const { phone } = await control<{ phone: string }>('POST', '/accounts', {});
  const auth = memoryAuth();
  const pairing = startClient(sim, auth);
  const qrs = socketQr(pairing, 60_000);
  const closed = waitForClose(pairing, 60_000);
  await scanUntilLinked(qrs, httpScan(`${info.httpUrl}/sim`, phone));
  if ((await closed) !== DisconnectReason.restartRequired) throw new Error('pairing did not end with 515');
  const started = performance.now();
  const sock = startClient(sim, auth);
  await waitForOpen(sock, 60_000);
  return { session: { sock, auth, phone }, openMs: performance.now() - started };
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const rssMb = (): number => {
  Bun.gc(true);
  return process.memoryUsage.rss() / 1024 / 1024;
};

const simRssMb = async (): Promise<number> => {
  const status = await Bun.file(`/proc/${info.pid}/status`).text();
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

let sendCounter = 0;
/** One send from `sock` until its `read` receipt, minus the simulated receipt delays. */
const roundTrip = async (sock: WASocket): Promise<number> => {
  const id = `3EB0BENCH${String(++sendCounter).padStart(8, '0')}`;
  const read = waitForStatus(sock, id, proto.WebMessageInfo.Status.READ, 60_000);
  const started = performance.now();
  await sock.sendMessage(contact.jid, { text: `bench ${sendCounter}` }, { messageId: id });
  await read;
  return performance.now() - started - DELIVERED_MS - READ_MS;
};

/**
 * Up to 20 sessions, one after another, each send twice: the first send also looks up devices and
 * opens Signal sessions; the second is the steady-state round trip that is reported.
 */
const roundTrips = async (sessions: Session[]): Promise<number[]> => {
  const trips: number[] = [];
  for (const { sock } of sessions.slice(0, 20)) {
    await roundTrip(sock);
    trips.push(await roundTrip(sock));
  }
  return trips;
};

/** Up to 20 sessions reconnect one after another with saved creds: the time to `open` again. */
const reconnects = async (sessions: Session[]): Promise<number[]> => {
  const times: number[] = [];
  for (const session of sessions.slice(-20)) {
    session.sock.end(undefined);
    const started = performance.now();
    session.sock = startClient(sim, session.auth);
    await waitForOpen(session.sock, 60_000);
    times.push(performance.now() - started);
  }
  return times;
};

const sessions: Session[] = [];
const openTimes: number[] = [];
const rows: string[] = [];
let baselineRss = 0;
for (const size of sizes) {
  while (sessions.length < size) {
    const batch = Math.min(concurrency, size - sessions.length);
    const made = await Promise.all(Array.from({ length: batch }, () => newSession()));
    for (const { session, openMs } of made) {
      sessions.push(session);
      openTimes.push(openMs);
    }
  }
  await Bun.sleep(2_000); // let post-login syncs settle before measuring
  const rss = rssMb();
  if (size === sizes[0]) baselineRss = rss;
  const perSession = size > sizes[0]! ? (rss - baselineRss) / (size - sizes[0]!) : Number.NaN;
  const simRss = await simRssMb();
  const trips = await roundTrips(sessions);
  const again = await reconnects(sessions);
  const ms = (values: number[], p: number) => percentile(values, p).toFixed(0);
  const row = `| ${size} | ${rss.toFixed(1)} | ${Number.isNaN(perSession) ? '—' : perSession.toFixed(2)} | ${ms(openTimes, 50)} | ${ms(openTimes, 95)} | ${ms(again, 50)} | ${ms(again, 95)} | ${percentile(trips, 50).toFixed(1)} | ${percentile(trips, 95).toFixed(1)} | ${simRss.toFixed(0)} |`;
  rows.push(row);
  console.log(row);
}

console.log('\n| N | client RSS MB | MB/session above N=1 | first open p50 ms | p95 | reconnect open p50 ms | p95 | send→read p50 ms | p95 | simulator RSS MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
console.log(`\nsend→read has the receipt delays (delivered ${DELIVERED_MS} ms + read ${READ_MS} ms) subtracted; first logins ran ${concurrency} at a time and cover all sessions so far; reconnects and sends ran one at a time.`);

for (const { sock } of sessions) sock.end(undefined);
simProcess.stdin.end();
await simProcess.exited;
process.exit(0);
