import type { LinkedDevice } from './account.ts';

/** What a peer needs to open a Signal session with a device: the answer to a prekey fetch. */
export interface PreKeyBundle {
  readonly registrationId: number;
  readonly identityKey: Buffer;
  readonly signedPreKey: { id: number; public: Buffer; signature: Buffer };
  readonly preKey?: { id: number; public: Buffer };
}

/** A linked device's bundle: one uploaded one-time prekey is consumed per fetch, as on WhatsApp. */
export const linkedDeviceBundle = (device: LinkedDevice): PreKeyBundle => {
  const first = device.preKeys.entries().next();
  let preKey: PreKeyBundle['preKey'];
  if (!first.done) {
    const [id, value] = first.value;
    device.preKeys.delete(id);
    preKey = { id, public: value };
  }
  return { registrationId: device.registrationId, identityKey: device.identityKey, signedPreKey: device.signedPreKey, preKey };
};
