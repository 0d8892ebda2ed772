import type { Server } from 'bun';
import { controlApi } from './control/control-api.ts';
import { SimControl } from './control/control-service.ts';
import { buildServerIdentity } from './noise/server-identity.ts';
import { quietLibsignal } from '../whatsapp/quiet-libsignal.ts';
import type { WaVersion } from '../config/wa-version.ts';
import { type Addressing, type ReceiptSettings, SimContext } from './server/sim-context.ts';
import { type PairingBehaviour, pairingBehaviour, type ServerEra } from './server/server-behaviour.ts';
import { startWsServer } from './server/ws-server.ts';
import { World } from './world/world.ts';
import { StateFile } from './server/state-file.ts';
import { MediaHost } from './media/media-host.ts';
import { selfSignedCert } from './media/self-signed-cert.ts';

export interface SimulatorOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Where to listen (default 127.0.0.1). */
  readonly hostname?: string;
  /**
   * The host clients are given in URLs (WebSocket, control API, media) and that the media certificate
   * names. Defaults to `hostname`, or 127.0.0.1 when listening on every interface.
   */
  readonly publicHost?: string;
  /** Same seed, same keys, accounts and ids. */
  readonly seed?: string;
  readonly receipts?: Partial<ReceiptSettings>;
  /**
   * The issuer serial the certificate chain claims. Clients trust serial 0; anything else lets a test
   * prove the client refuses the server.
   */
  readonly certIssuerSerial?: number;
  /**
   * Which server to play: `current` (default, WhatsApp as of late 2026) or `rc14` (as when Baileys
   * 7.0.0-rc14 was released). `pairing` overrides single linking behaviours of that era.
   */
  readonly era?: ServerEra;
  readonly pairing?: Partial<PairingBehaviour>;
  /** How long the phone takes to send a newly linked device its initial history sync (default 0). */
  readonly historySyncDelayMs?: number;
  /**
   * Clients announcing an older WA Web version (ClientPayload `userAgent.appVersion`) are refused with
   * `<failure reason="405">`, as WhatsApp refuses a version it has retired. Unset: every version is accepted.
   */
  readonly minClientVersion?: WaVersion;
  /**
   * Play an impostor of the simulator seeded so: present that server's genuine (public) certificate
   * chain with a static key of its own. Tests use it to prove the client checks the leaf's key.
   */
  readonly replayCertChainOf?: string;
  /** Serve the HTTPS media host (default true). */
  readonly media?: boolean;
  /**
   * A JSON file to keep accounts, linked devices, groups and the phones' Signal state in, so that a
   * restarted simulator process still knows linked clients. Loaded at start if present.
   */
  readonly statePath?: string;
  /** Told about every failure inside the simulator's handlers (they are also kept for `GET /sim/errors`). */
  readonly onError?: (message: string) => void;
  /** `lid` (default): 1:1 traffic addressed as WhatsApp does today; `pn`: the older phone-number addressing. */
  readonly addressing?: Addressing;
  /**
   * Serve the control API under `/sim` on the simulator's own port (default true). Whoever mounts
   * `controlApp` behind a credential instead (the gateway's `--sandbox`) sets false: a loopback port
   * is open to every local user, and the control API reads inboxes and scans QRs with no key.
   */
  readonly controlHttp?: boolean;
}

export interface Simulator {
  /** The WebSocket URL to give Baileys as `waWebSocketUrl`. */
  readonly url: string;
  /** Base URL of the HTTP control API. */
  readonly httpUrl: string;
  readonly port: number;
  /** The root key clients must trust (`WA_CERT_DETAILS.PUBLIC_KEY`). */
  readonly rootPublicKey: Buffer;
  /**
   * PEM of the media host's self-signed certificate. Clients must trust it to upload or download
   * media; under Bun that means `NODE_EXTRA_CA_CERTS` pointing at a file with it, set when the
   * client process starts (Bun reads it only then).
   */
  readonly mediaCertificatePem?: string;
  readonly control: SimControl;
  /** The control API (served under `/sim` on `httpUrl`); mountable into another Elysia app. */
  readonly controlApp: ReturnType<typeof controlApi>;
  /** Stops listening and drops every client, keeping all accounts, devices and keys. */
  pause(): Promise<void>;
  /** Listens again on the same port after `pause()`. */
  resume(): Promise<void>;
  /** `pause()` then `resume()`: every client drops and must log in again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_RECEIPTS: ReceiptSettings = { deliveredDelayMs: 50, readDelayMs: 50, lose: false };

const notFound = async (): Promise<Response> => Response.json({ success: false, error: 'not found', code: 'NOT_FOUND' }, { status: 404 });

/** Builds and starts a WhatsApp simulator. Nothing runs until this is called. */
export const createSimulator = async (options: SimulatorOptions = {}): Promise<Simulator> => {
  const seed = options.seed ?? 'wa-sim';
  const hostname = options.hostname ?? '127.0.0.1';
  const publicHost = options.publicHost ?? (hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname);
  const { identity, rootPublicKey } = buildServerIdentity(seed, options.certIssuerSerial, options.replayCertChainOf);
  const ctx = new SimContext(new World(seed), identity, { ...DEFAULT_RECEIPTS, ...options.receipts });
  if (options.onError) ctx.onHandlerError(options.onError);
  ctx.minClientVersion = options.minClientVersion;
  if (options.addressing) ctx.addressing = options.addressing;
  ctx.pairing = pairingBehaviour(options.era ?? 'current', options.pairing);
  ctx.historySyncDelayMs = options.historySyncDelayMs ?? 0;
  const stateFile = options.statePath ? new StateFile(options.statePath, ctx.world) : undefined;
  stateFile?.load();
  if (options.media !== false) {
    ctx.media = new MediaHost(selfSignedCert(seed, publicHost), hostname, publicHost);
    ctx.media.start();
  }
  if (stateFile) {
    ctx.onChanged(() => stateFile.markDirty());
    stateFile.start();
  }
  const control = new SimControl(ctx);
  const release = quietLibsignal();
  const api = controlApi({ control, restart: () => restart() });
  const fetch = options.controlHttp === false ? notFound : (request: Request): Promise<Response> => api.handle(request);
  let server: Server<unknown> | undefined = startWsServer(ctx, { port: options.port ?? 0, hostname, fetch });
  const port = server.port ?? 0;

  const pause = async (): Promise<void> => {
    for (const conn of [...ctx.connections.values()]) conn.close();
    for (const pending of [...ctx.pendingPairings]) pending.conn.close();
    for (const timer of ctx.timers) clearTimeout(timer);
    ctx.timers.clear();
    await server?.stop(true);
    server = undefined;
  };
  const resume = async (): Promise<void> => {
    server ??= startWsServer(ctx, { port, hostname, fetch });
  };
  const restart = async (): Promise<void> => {
    await pause();
    await resume();
  };

  return {
    url: `ws://${publicHost}:${port}/ws/chat`,
    httpUrl: `http://${publicHost}:${port}`,
    port,
    rootPublicKey,
    mediaCertificatePem: ctx.media?.certificatePem,
    control,
    controlApp: api,
    pause,
    resume,
    restart,
    async stop() {
      await pause();
      await ctx.media?.stop();
      await stateFile?.stop();
      release();
    },
  };
};
