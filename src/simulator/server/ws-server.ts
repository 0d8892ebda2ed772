import type { Server, ServerWebSocket } from 'bun';
import { keyPairFromSecret } from '../crypto/curve.ts';
import { Connection } from './connection.ts';
import { routeNode } from './router.ts';
import type { SimContext } from './sim-context.ts';
import { handleLogin } from '../handlers/login.ts';
import { handleRegistration } from '../handlers/registration.ts';

interface SocketData {
  conn?: Connection;
}

export interface WsServerOptions {
  readonly port: number;
  readonly hostname: string;
  /** Everything that is not the WebSocket endpoint (the control API). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

const hooks = (ctx: SimContext) => ({
  async onAuthenticated(conn: Connection, payload: import('../../whatsapp/protocol.ts').proto.ClientPayload) {
    if (payload.devicePairingData) handleRegistration(ctx, conn, payload.devicePairingData);
    else handleLogin(ctx, conn, payload);
  },
  onNode: (conn: Connection, node: import('../../whatsapp/protocol.ts').BinaryNode) => routeNode(ctx, conn, node),
  onClosed(conn: Connection) {
    const pending = ctx.pendingPairings.findIndex((p) => p.conn === conn);
    if (pending >= 0) ctx.pendingPairings.splice(pending, 1);
    for (const [key, live] of ctx.connections) if (live === conn) ctx.connections.delete(key);
  },
});

/** Serves `/ws/chat` (one Connection per socket) and hands every other request to `fetch`. */
export const startWsServer = (ctx: SimContext, options: WsServerOptions): Server<SocketData> => {
  let nextId = 1;
  const connectionHooks = hooks(ctx);
  return Bun.serve<SocketData>({
    port: options.port,
    hostname: options.hostname,
    fetch(request, server) {
      if (new URL(request.url).pathname === '/ws/chat') {
        return server.upgrade(request, { data: {} }) ? undefined : new Response('upgrade required', { status: 426 });
      }
      return options.fetch(request);
    },
    websocket: {
      open(ws: ServerWebSocket<SocketData>) {
        const wire = { send: (data: Uint8Array) => void ws.sendBinary(data), close: () => ws.close() };
        const ephemeral = keyPairFromSecret(ctx.world.ids.bytes('noise-ephemeral', 32));
        ws.data.conn = new Connection(nextId++, wire, ctx.identity, ephemeral, connectionHooks);
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
