import { createHash } from 'node:crypto';
import type { Server } from 'bun';
import type { TlsIdentity } from './self-signed-cert.ts';

/**
 * The HTTPS upload/download host (WhatsApp's mmg). It stores encrypted blobs as uploaded and never
 * sees plaintext: uploads go to `/mms/<type>/<token>`, downloads use the returned direct path.
 */
export class MediaHost {
  private readonly blobs = new Map<string, Buffer>();
  private server?: Server<undefined>;

  constructor(
    private readonly tls: TlsIdentity,
    /** The address to listen on. */
    private readonly bindHost: string,
    /** The address clients are told to use, which the certificate names. */
    private readonly publicHost: string,
  ) {}

  /** `host:port` as Baileys expects it in media_conn (it builds `https://${hostname}${path}`). */
  get host(): string {
    return `${this.publicHost}:${this.server?.port ?? 0}`;
  }

  get certificatePem(): string {
    return this.tls.cert;
  }

  start(port = 0): void {
    this.server = Bun.serve({
      port,
      hostname: this.bindHost,
      tls: { cert: this.tls.cert, key: this.tls.key },
      fetch: (request) => this.handle(request),
    });
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = undefined;
  }

  /** Stores a blob and returns its direct path, as an upload would. */
  put(file: Buffer): string {
    const directPath = `/v/t62.7118-24/${createHash('sha256').update(file).digest('hex').slice(0, 32)}.enc`;
    this.blobs.set(directPath, file);
    return directPath;
  }

  get(directPath: string): Buffer | undefined {
    return this.blobs.get(directPath.split('?')[0] ?? directPath);
  }

  url(directPath: string): string {
    return `https://${this.host}${directPath}`;
  }

  private async handle(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method === 'POST' && pathname.startsWith('/mms/')) {
      const directPath = this.put(Buffer.from(await request.arrayBuffer()));
      return Response.json({ url: this.url(directPath), direct_path: directPath });
    }
    const blob = request.method === 'GET' ? this.get(pathname) : undefined;
    return blob ? new Response(blob) : new Response('not found', { status: 404 });
  }
}
