import type { BinaryNode, proto } from '../../whatsapp/protocol.ts';
import { linkedDeviceBundle } from '../world/prekey-bundle.ts';
import { node, nowSeconds } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, type LinkedDevice, lidJid, pnJid } from '../world/account.ts';
import { directSender } from '../messaging/addressing.ts';

interface PhoneMessage {
  readonly id: string;
  readonly message: proto.IMessage;
  /** Stanza attributes beyond from/id/t, e.g. `category`. */
  readonly attrs?: Record<string, string>;
  /** Extra children after `<enc>`. */
  readonly extra?: BinaryNode[];
}

interface DeviceDelivery {
  /** `pkmsg` opens a Signal session, `msg` uses an established one. */
  readonly type: 'pkmsg' | 'msg';
  readonly outcome: ReturnType<SimContext['sendTo']>;
}

/**
 * Encrypts `message` from `sender`'s simulated phone to one linked device and sends it, or queues it
 * while the device is offline. The first message opens a session from the device's uploaded bundle;
 * the phone addresses linked devices by LID, like WhatsApp does today, and the server names the sender
 * as `ctx.addressing` says.
 */
export const phoneSendToDevice = async (
  ctx: SimContext,
  sender: Account,
  target: Account,
  device: LinkedDevice,
  outgoing: PhoneMessage,
): Promise<DeviceDelivery> => {
  const phone = sender.phoneDevice;
  const address = lidJid(target, device.id);
  if (!(await phone.hasSession(address))) await phone.openSession(address, linkedDeviceBundle(device));
  const { type, ciphertext } = await phone.encrypt(address, outgoing.message);
  const own = sender === target;
  // The phone's own copies (history sync, app-state keys) come from its own number, as before.
  const attrs: Record<string, string> = {
    ...(own ? { from: pnJid(sender) } : directSender(ctx, sender)),
    id: outgoing.id,
    t: nowSeconds(),
    type: 'text',
    notify: sender.name,
    ...outgoing.attrs,
  };
  const stanza = node('message', attrs, [node('enc', { v: '2', type }, Buffer.from(ciphertext)), ...(outgoing.extra ?? [])]);
  return { type, outcome: ctx.sendTo(target, device, stanza) };
};

/** Sends to every linked device of `target`; returns the Signal message type each one got. */
export const phoneSendToAccount = async (ctx: SimContext, sender: Account, target: Account, outgoing: PhoneMessage): Promise<('pkmsg' | 'msg')[]> => {
  const types: ('pkmsg' | 'msg')[] = [];
  for (const device of target.devices.values()) types.push((await phoneSendToDevice(ctx, sender, target, device, outgoing)).type);
  return types;
};
