import type { BinaryNode, proto } from '../../whatsapp/protocol.ts';
import { linkedDeviceBundle } from '../handlers/prekeys.ts';
import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, type LinkedDevice, lidJid, pnJid } from '../world/account.ts';

export interface PhoneMessage {
  readonly id: string;
  readonly message: proto.IMessage;
  /** Stanza attributes beyond from/id/t, e.g. category, or `participant` for groups. */
  readonly attrs?: Record<string, string>;
  /** Extra children after `<enc>`. */
  readonly extra?: BinaryNode[];
}

/**
 * Encrypts `message` from `sender`'s simulated phone to one linked device and sends it if that device
 * is online. The first message opens a session from the device's uploaded bundle (`pkmsg`); later
 * ones reuse it (`msg`). The phone addresses linked devices by LID, like WhatsApp does today.
 */
export const phoneSendToDevice = async (
  ctx: SimContext,
  sender: Account,
  target: Account,
  device: LinkedDevice,
  outgoing: PhoneMessage,
): Promise<'pkmsg' | 'msg' | undefined> => {
  if (!ctx.connectionOf(target, device)) return undefined;
  const phone = sender.phoneDevice;
  const address = lidJid(target, device.id);
  if (!(await phone.hasSession(address))) await phone.openSession(address, linkedDeviceBundle(device));
  const { type, ciphertext } = await phone.encrypt(address, outgoing.message);
  const own = sender === target;
  const attrs: Record<string, string> = {
    from: pnJid(sender),
    id: outgoing.id,
    t: nowSeconds(),
    type: 'text',
    notify: sender.name,
    ...(own ? {} : { sender_lid: lidJid(sender) }),
    ...outgoing.attrs,
  };
  const sent = ctx.sendTo(target, device, node('message', attrs, [node('enc', { v: '2', type }, Buffer.from(ciphertext)), ...(outgoing.extra ?? [])]));
  return sent ? type : undefined;
};

/** Sends to every online linked device of `target`; returns the Signal message type each got. */
export const phoneSendToAccount = async (ctx: SimContext, sender: Account, target: Account, outgoing: PhoneMessage): Promise<('pkmsg' | 'msg')[]> => {
  const types: ('pkmsg' | 'msg')[] = [];
  for (const device of target.devices.values()) {
    const type = await phoneSendToDevice(ctx, sender, target, device, outgoing);
    if (type) types.push(type);
  }
  return types;
};
