import type { Server } from 'bun';
import { deriveSecret, keyPairFromSecret } from './crypto/curve.ts';
import { controlApi } from './control/control-api.ts';
import { SimControl } from './control/control-service.ts';
import { buildCertChain, verifyCertChain } from './noise/noise-cert.ts';
import { quietLibsignal } from './quiet-console.ts';
import { type ReceiptSettings, SimContext } from './server/sim-context.ts';
import { startWsServer } from './server/ws-server.ts';
import { World } from './world/world.ts';
import { MediaHost } from './media/media-host.ts';
import { selfSignedCert } from './media/self-signed-cert.ts';

export interface SimulatorOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly hostname?: string;
  /** Same seed, same keys, accounts and ids. */
  readonly seed?: string;
  readonly receipts?: Partial<ReceiptSettings>;
  /**
   * The issuer serial the certificate chain claims. Clients trust serial 0; anything else lets a test
   * prove the client refuses the server.
   */
  readonly certIssuerSerial?: number;
  /** Serve the HTTPS media host (default true). */
  readonly media?: boolean;
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
  stop(): Promise<void>;
}

const DEFAULT_RECEIPTS: ReceiptSettings = { deliveredDelayMs: 50, readDelayMs: 50, lose: false };

/** Builds and starts a WhatsApp simulator. Nothing runs until this is called. */
export const createSimulator = async (options: SimulatorOptions = {}): Promise<Simulator> => {
  const seed = options.seed ?? 'wa-sim';
  const hostname = options.hostname ?? '127.0.0.1';
  const root = keyPairFromSecret(deriveSecret(seed, 'noise-root'));
  const staticKey = keyPairFromSecret(deriveSecret(seed, 'noise-static'));
  const certChain = buildCertChain({
    root,
    intermediate: keyPairFromSecret(deriveSecret(seed, 'noise-intermediate')),
    serverStatic: staticKey.public,
    issuerSerial: options.certIssuerSerial,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  const check = verifyCertChain(certChain, root.public, options.certIssuerSerial ?? 0);
  if (!check.ok || !check.leafKey.equals(staticKey.public)) throw new Error('simulator built an invalid certificate chain');

  const ctx = new SimContext(new World(seed), { staticKey, certChain }, { ...DEFAULT_RECEIPTS, ...options.receipts });
  if (options.media !== false) {
    ctx.media = new MediaHost(selfSignedCert(seed, hostname), hostname);
    ctx.media.start();
  }
  const control = new SimControl(ctx);
  const release = quietLibsignal();
  let server: Server<unknown> | undefined;
  const api = controlApi({ control, restart: () => restart() });
  const fetch = (request: Request): Promise<Response> => api.handle(request);
  server = startWsServer(ctx, { port: options.port ?? 0, hostname, fetch });
  const port = server.port ?? 0;

  const dropAll = (): void => {
    for (const conn of [...ctx.connections.values()]) conn.close();
    for (const pending of [...ctx.pendingPairings]) pending.conn.close();
    for (const timer of ctx.timers) clearTimeout(timer);
    ctx.timers.clear();
  };

  const pause = async (): Promise<void> => {
    dropAll();
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
    url: `ws://${hostname}:${port}/ws/chat`,
    httpUrl: `http://${hostname}:${port}`,
    port,
    rootPublicKey: root.public,
    mediaCertificatePem: ctx.media?.certificatePem,
    control,
    controlApp: api,
    pause,
    resume,
    async stop() {
      dropAll();
      await server?.stop(true);
      server = undefined;
      await ctx.media?.stop();
      release();
    },
  };
};
