import { BufferJSON } from '../../whatsapp/protocol.ts';
import type { PhoneState } from '../phone/sim-phone.ts';
import type { LinkedDevice, SignedPreKey } from './account.ts';
import type { GroupRole } from './group.ts';
import type { World } from './world.ts';

const VERSION = 1;

interface DeviceSnapshot extends Omit<LinkedDevice, 'preKeys' | 'signedPreKey'> {
  readonly signedPreKey: SignedPreKey;
  readonly preKeys: [number, Buffer][];
}

interface AccountSnapshot {
  readonly phone: string;
  readonly name: string;
  readonly restricted: boolean;
  /** Absent in state files written before privacy tokens were simulated. */
  readonly requiresToken?: boolean;
  readonly hidesPhoneNumber?: boolean;
  readonly chats?: ChatSnapshot[];
  readonly nextDeviceId: number;
  readonly devices: DeviceSnapshot[];
  readonly phoneState: PhoneState;
}

interface ChatSnapshot {
  readonly contact: string;
  readonly tcToken: Buffer;
  readonly tcTokenTimestamp: number;
}

interface GroupSnapshot {
  readonly jid: string;
  readonly subject: string;
  readonly creator: string;
  readonly createdAt: number;
  readonly members: [string, GroupRole][];
  readonly senderKeyHolders: [string, string[]][];
}

/**
 * Everything that must outlive a simulator process for linked clients to log in again: accounts,
 * linked devices with their keys, groups, and the simulated phones' Signal state. Keys derived from
 * the seed are not stored; the same seed re-derives them. Inboxes and offline queues are not kept.
 */
interface WorldSnapshot {
  readonly version: number;
  readonly seed: string;
  readonly ids: [string, number][];
  readonly accounts: AccountSnapshot[];
  readonly groups: GroupSnapshot[];
}

export const captureWorld = (world: World): string => {
  const snapshot: WorldSnapshot = {
    version: VERSION,
    seed: world.seed,
    ids: world.ids.counters(),
    accounts: world.accounts().map((a) => ({
      phone: a.phone,
      name: a.name,
      restricted: a.restricted,
      requiresToken: a.requiresToken,
      hidesPhoneNumber: a.hidesPhoneNumber,
      chats: [...a.chats.values()].map((c) => ({ contact: c.contact.phone, tcToken: c.tcToken, tcTokenTimestamp: c.tcTokenTimestamp })),
      nextDeviceId: a.nextDeviceId,
      devices: [...a.devices.values()].map((d) => ({ ...d, preKeys: [...d.preKeys] })),
      phoneState: a.phoneDevice.exportState(),
    })),
    groups: [...world.groups.values()].map((g) => ({
      jid: g.jid,
      subject: g.subject,
      creator: g.creator.phone,
      createdAt: g.createdAt,
      members: [...g.members].map(([phone, m]): [string, GroupRole] => [phone, m.role]),
      senderKeyHolders: [...g.senderKeyHolders].map(([phone, keys]): [string, string[]] => [phone, [...keys]]),
    })),
  };
  return JSON.stringify(snapshot, BufferJSON.replacer);
};

/** Rebuilds a world saved by `captureWorld`; the world must be new and made with the same seed. */
export const restoreWorld = (world: World, json: string): void => {
  const snapshot = JSON.parse(json, BufferJSON.reviver) as WorldSnapshot;
  if (snapshot.version !== VERSION) throw new Error(`unsupported simulator state version ${snapshot.version}`);
  if (snapshot.seed !== world.seed) throw new Error('simulator state was saved with another seed');
  for (const saved of snapshot.accounts) {
    const account = world.createAccount({ phone: saved.phone, name: saved.name, requiresToken: saved.requiresToken, hidesPhoneNumber: saved.hidesPhoneNumber });
    account.restricted = saved.restricted;
    account.nextDeviceId = saved.nextDeviceId;
    for (const device of saved.devices) account.devices.set(device.id, { ...device, preKeys: new Map(device.preKeys) });
    account.phoneDevice.importState(saved.phoneState);
  }
  // Chats name other accounts, so they wait until every account exists.
  for (const saved of snapshot.accounts) {
    const owner = world.account(saved.phone);
    for (const chat of saved.chats ?? []) {
      const contact = world.account(chat.contact);
      if (owner && contact) owner.chats.set(contact.phone, { contact, tcToken: chat.tcToken, tcTokenTimestamp: chat.tcTokenTimestamp });
    }
  }
  for (const saved of snapshot.groups) {
    const creator = world.account(saved.creator);
    if (!creator) throw new Error(`group ${saved.jid} names an unknown creator`);
    const members = saved.members.flatMap(([phone, role]) => {
      const account = world.account(phone);
      return account ? [[phone, { account, role }] as const] : [];
    });
    world.groups.set(saved.jid, {
      jid: saved.jid,
      subject: saved.subject,
      creator,
      createdAt: saved.createdAt,
      members: new Map(members),
      senderKeyHolders: new Map(saved.senderKeyHolders.map(([phone, keys]) => [phone, new Set(keys)])),
    });
  }
  world.ids.restoreCounters(snapshot.ids);
};
