import { ControlError } from './control-views.ts';

const QR_PREFIX = 'https://wa.me/settings/linked_devices#';

/** What a linking QR carries: `ref,noiseKey,identityKey,advSecret,platform`, keys in base64. */
interface ScannedQr {
  readonly ref: string;
  readonly noiseKey: Buffer;
  readonly identityKey: Buffer;
  readonly advSecret: Buffer;
}

export const parseQr = (qr: string): ScannedQr => {
  const [ref, noise, identity, adv] = (qr.startsWith(QR_PREFIX) ? qr.slice(QR_PREFIX.length) : qr).split(',');
  if (!ref || !noise || !identity || !adv) throw new ControlError('not a WhatsApp linking QR', 'BAD_REQUEST');
  return {
    ref,
    noiseKey: Buffer.from(noise, 'base64'),
    identityKey: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
  };
};
