import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { Account } from '../world/account.ts';

interface ReceiptTarget {
  readonly sender: Account;
  readonly deviceId: number;
  readonly id: string;
  /** The jid the receipt comes from: the chat as the sender addressed it. */
  readonly from: string;
  /** For groups: which member's phone read it. */
  readonly participant?: string;
}

/**
 * A simulated phone that got a message answers with `delivered`, then `read`, after the configured
 * delays; or never, when receipts are set to be lost.
 */
export const scheduleReceipts = (ctx: SimContext, target: ReceiptTarget): void => {
  const { deliveredDelayMs, readDelayMs, lose } = ctx.receipts;
  if (lose) return;
  const attrs = { from: target.from, id: target.id, ...(target.participant ? { participant: target.participant } : {}) };
  ctx.later(deliveredDelayMs, () => {
    ctx.sendTo(target.sender, target.deviceId, node('receipt', { ...attrs, t: nowSeconds() }));
  });
  ctx.later(deliveredDelayMs + readDelayMs, () => {
    ctx.sendTo(target.sender, target.deviceId, node('receipt', { ...attrs, type: 'read', t: nowSeconds() }));
  });
};
