import type { Server, ServerWebSocket } from 'bun';
import type { BinaryNode, proto } from '../../whatsapp/protocol.ts';
import { keyPairFromSecret } from '../crypto/curve.ts';
import { admitClientVersion } from './client-version.ts';
import { Connection } from './connection.ts';
import { routeNode } from './router.ts';
import type { SimContext } from './sim-context.ts';
import { handleLogin } from '../pairing/login.ts';
import { handleRegistration } from '../pairing/registration.ts';

interface SocketData {
  conn?: Connection;
}

interface WsServerOptions {
  readonly port: number;
  readonly hostname: string;
  /** Everything that is not the WebSocket endpoint (the control API). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

const hooks = (ctx: SimContext) => ({
  async onAuthenticated(conn: Connection, payload: proto.ClientPayload) {
    if (!admitClientVersion(ctx, conn, payload)) return;
    if (payload.devicePairingData) handleRegistration(ctx, conn, payload.devicePairingData);
    else handleLogin(ctx, conn, payload);
  },
  async onNode(conn: Connection, node: BinaryNode) {
    try {
      await routeNode(ctx, conn, node);
      ctx.changed();
    } catch (error) {
      ctx.reportError(`<${node.tag}${node.attrs.xmlns ? ` xmlns=${node.attrs.xmlns}` : ''}>`, error);
    }
  },
  onClosed(conn: Connection) {
    const pending = ctx.pendingPairings.findIndex((p) => p.conn === conn);
    if (pending >= 0) ctx.pendingPairings.splice(pending, 1);
    for (const [key, live] of ctx.connections) if (live === conn) ctx.connections.delete(key);
  },
});

/** Serves `/ws/chat` (one Connection per socket) and hands every other request to `fetch`. */
export const startWsServer = (ctx: SimContext, options: WsServerOptions): Server<SocketData> => {
  const connectionHooks = hooks(ctx);
  return Bun.serve<SocketData>({
    port: options.port,
    hostname: options.hostname,
    fetch(request, server) {
      if (new URL(request.url).pathname === '/ws/chat') {
        // An outage: the edge answers, WhatsApp does not (clients see a failed handshake and back off).
        if (Date.now() < ctx.unreachableUntil) return new Response('service unavailable', { status: 503 });
        return server.upgrade(request, { data: {} }) ? undefined : new Response('upgrade required', { status: 426 });
      }
      return options.fetch(request);
    },
    websocket: {
      open(ws: ServerWebSocket<SocketData>) {
        const wire = { send: (data: Uint8Array) => void ws.sendBinary(data), close: () => ws.close() };
        const ephemeral = keyPairFromSecret(ctx.world.ids.bytes('noise-ephemeral', 32));
        ws.data.conn = new Connection(wire, ctx.identity, ephemeral, connectionHooks);
      },
      message(ws, message) {
        ws.data.conn?.receive(typeof message === 'string' ? Buffer.from(message) : message);
      },
      close(ws) {
        ws.data.conn?.closedByPeer();
      },
    },
  });
};
