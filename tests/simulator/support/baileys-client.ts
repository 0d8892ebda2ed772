import makeWASocket, {
  type AuthenticationCreds,
  type BaileysEventMap,
  type ConnectionState,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type UserFacingSocketConfig,
  type WASocket,
  Browsers,
  DisconnectReason,
  WA_CERT_DETAILS,
  initAuthCreds,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import type { Simulator } from '../../../src/simulator/create-simulator.ts';
import { controlScan, pushedQr, type QrSource, scanUntilLinked } from '../../support/link-by-qr.ts';

/** Creds plus a Map-backed Signal key store: a whole Baileys session kept in memory. */
export interface MemoryAuth {
  creds: AuthenticationCreds;
  keys: SignalKeyStore;
  /** Drops every Signal session, as restoring an old copy of the auth state would. */
  forgetSessions(): void;
}

export const memoryAuth = (): MemoryAuth => {
  const data = new Map<string, unknown>();
  return {
    creds: initAuthCreds(),
    keys: {
      get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          const value = data.get(`${type}:${id}`);
          if (value !== undefined) out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set(values) {
        for (const [type, entries] of Object.entries(values)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) data.delete(`${type}:${id}`);
            else data.set(`${type}:${id}`, value);
          }
        }
      },
    },
    forgetSessions() {
      for (const key of [...data.keys()]) if (key.startsWith('session:')) data.delete(key);
    },
  };
};

/** Where a client connects and what it trusts: all a client needs of a simulator, in-process or spawned. */
export type SimEndpoint = Pick<Simulator, 'url' | 'rootPublicKey'>;

/** Bare Baileys pointed at the simulator and trusting its root key. */
/** A build of Baileys to run: the patched one the gateway uses (default), or stock rc14 (tests/support/stock-baileys.ts). */
export type BaileysBuild = { default: typeof makeWASocket; WA_CERT_DETAILS: typeof WA_CERT_DETAILS };
const PATCHED: BaileysBuild = { default: makeWASocket, WA_CERT_DETAILS };

export const startClient = (sim: SimEndpoint, auth: Pick<MemoryAuth, "creds" | "keys">, config: Partial<UserFacingSocketConfig> = {}, baileys: BaileysBuild = PATCHED): WASocket => {
  baileys.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(sim.rootPublicKey);
  const sock = baileys.default({
    waWebSocketUrl: sim.url,
    auth,
    logger: pino({ level: process.env.SIM_TEST_LOG ?? 'silent' }),
    browser: Browsers.ubuntu('Chrome'),
    markOnlineOnConnect: false,
    ...config,
  });
  sock.ev.on('creds.update', (update) => Object.assign(auth.creds, update));
  return sock;
};

export const nextEvent = <K extends keyof BaileysEventMap>(
  sock: WASocket,
  event: K,
  match: (value: BaileysEventMap[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<BaileysEventMap[K]> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.ev.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (value: BaileysEventMap[K]): void => {
      if (!match(value)) return;
      clearTimeout(timer);
      sock.ev.off(event, listener);
      resolve(value);
    };
    sock.ev.on(event, listener);
  });

export const closeCode = (update: Partial<ConnectionState>): number | undefined => {
  const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
  return error?.output?.statusCode;
};

export const waitForClose = async (sock: WASocket, timeoutMs?: number): Promise<number | undefined> =>
  closeCode(await nextEvent(sock, 'connection.update', (u) => u.connection === 'close', timeoutMs));

export const waitForOpen = (sock: WASocket, timeoutMs?: number) =>
  nextEvent(sock, 'connection.update', (u) => u.connection === 'open', timeoutMs);

/** The QRs a socket shows (every re-render, too), for `scanUntilLinked`. Call right after startClient. */
export const socketQr = (sock: WASocket, waitMs?: number): QrSource =>
  pushedQr((onQr) => sock.ev.on('connection.update', (u) => u.qr && onQr(u.qr)), waitMs);

/** QR pairing end to end: shows a QR, the phone scans it (again after a refresh), the client is told to restart. */
export const pairWithQr = async (sim: Simulator, phone: string): Promise<MemoryAuth> => {
  const auth = memoryAuth();
  const sock = startClient(sim, auth);
  const qrs = socketQr(sock);
  const closed = waitForClose(sock);
  await scanUntilLinked(qrs, controlScan(sim.control, phone));
  const code = await closed;
  if (code !== DisconnectReason.restartRequired) throw new Error(`expected 515 after pairing, got ${code}`);
  return auth;
};

/** Connects with saved creds and waits until Baileys reports `open` and has flushed its buffer. */
export const connectOpen = async (sim: SimEndpoint, auth: MemoryAuth): Promise<WASocket> => {
  const sock = startClient(sim, auth);
  await waitForOpen(sock);
  return sock;
};

export const endClient = (sock: WASocket): void => {
  sock.end(undefined);
};

/**
 * Resolves when message `id` reaches `status`, whether Baileys reports it as a separate
 * `messages.update` or, when the server answered before its own upsert was flushed, folded into
 * the `messages.upsert` of the sent message.
 */
export const waitForStatus = (
  sock: WASocket,
  id: string,
  status: number,
  timeoutMs = 15_000,
): Promise<{ status: number; messageStubParameters?: string[] | null }> =>
  new Promise((resolve, reject) => {
    const done = (result: { status: number; messageStubParameters?: string[] | null }): void => {
      clearTimeout(timer);
      sock.ev.off('messages.update', onUpdate);
      sock.ev.off('messages.upsert', onUpsert);
      resolve(result);
    };
    const onUpdate = (updates: BaileysEventMap['messages.update']): void => {
      const hit = updates.find((u) => u.key.id === id && u.update.status === status);
      if (hit) done({ status, messageStubParameters: hit.update.messageStubParameters });
    };
    const onUpsert = ({ messages }: BaileysEventMap['messages.upsert']): void => {
      const hit = messages.find((m) => m.key.id === id && m.status === status);
      if (hit) done({ status, messageStubParameters: hit.messageStubParameters });
    };
    const timer = setTimeout(() => {
      sock.ev.off('messages.update', onUpdate);
      sock.ev.off('messages.upsert', onUpsert);
      reject(new Error(`message ${id} never reached status ${status}`));
    }, timeoutMs);
    sock.ev.on('messages.update', onUpdate);
    sock.ev.on('messages.upsert', onUpsert);
  });

/** Polls until `check` holds: for server-side effects of fire-and-forget client sends. */
export const until = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await Bun.sleep(10);
  }
};

/**
 * The error a promise rejects with (undefined if it resolves). Use this instead of
 * `expect(promise).rejects`: under bun test 1.4.5, awaiting `.rejects` while a Baileys socket in the
 * same process is receiving makes Bun's `ws` client drop incoming frames, which then breaks the Noise
 * counters (AES-GCM "unable to authenticate data").
 */
export const errorOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
