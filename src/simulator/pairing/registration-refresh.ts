import { ControlError } from '../control/control-views.ts';
import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { PendingPairing } from './pending-pairing.ts';

const ACK_WAIT_MS = 2_000;

/**
 * Today's server between a scan and `pair-success`: the registration a companion advertises is
 * refreshed (shared/notes/whatsapp-2026.md, Baileys #2737). The phone that scans learns the QR's ADV
 * secret; the server then retires it and tells the companion, which must make a new secret, show the
 * same ref with it, and ack. A scan of a retired secret, or before the companion acked, fails.
 *
 * Throws the phone's "Couldn't link device" as a ControlError; returns when the scan may link.
 */
export const screenScan = async (ctx: SimContext, pending: PendingPairing, advSecret: Buffer): Promise<void> => {
  const { refresh } = pending;
  if (refresh.retired.some((retired) => retired.equals(advSecret))) {
    throw new ControlError(
      "Couldn't link device: this QR advertises a registration WhatsApp retired (companion_reg_refresh); the client must show a new QR",
      'CONFLICT',
    );
  }
  // A companion re-renders its QR before its ack is on the wire: a scan that quick waits for the ack.
  const deadline = Date.now() + ACK_WAIT_MS;
  while (refresh.sent.some((id) => !refresh.acked.has(id)) && Date.now() < deadline) await Bun.sleep(10);
  if (refresh.sent.some((id) => !refresh.acked.has(id))) {
    throw new ControlError("Couldn't link device: the client never acknowledged the registration refresh", 'CONFLICT');
  }
  if (refresh.sent.length >= ctx.pairing.qrRefreshes) return;
  refresh.retired.push(Buffer.from(advSecret));
  const id = ctx.world.ids.hex('notif', 8);
  refresh.sent.push(id);
  pending.conn.sendNode(
    node('notification', { from: 's.whatsapp.net', type: 'companion_reg_refresh', id, t: nowSeconds() }, [node(ctx.pairing.qrRefreshChild, {})]),
  );
  throw new ControlError("Couldn't link device: WhatsApp refreshed the companion's registration; scan the QR it shows now", 'CONFLICT');
};

/** A client's `<ack class="notification">` for a refresh this pending pairing was sent. */
export const noteRefreshAck = (ctx: SimContext, conn: PendingPairing['conn'], id: string): void => {
  const pending = ctx.pendingPairings.find((p) => p.conn === conn);
  if (pending?.refresh.sent.includes(id)) pending.refresh.acked.add(id);
};
