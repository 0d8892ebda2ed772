import { jidDecode } from '../../whatsapp/protocol.ts';
import { deriveSecret, keyPairFromSecret } from '../crypto/curve.ts';
import { SimPhone } from '../phone/sim-phone.ts';
import { type Account, lidJid } from './account.ts';
import type { Group } from './group.ts';
import { IdSource } from './ids.ts';

/** An account named by a jid, plus which of its devices and in which address space (phone or LID). */
interface ResolvedJid {
  readonly account: Account;
  readonly device: number;
  readonly space: 'pn' | 'lid';
}

export interface NewAccount {
  readonly phone?: string;
  readonly name?: string;
  /** See `Account.requiresToken` (default false). */
  readonly requiresToken?: boolean;
  /** See `Account.hidesPhoneNumber` (default false). */
  readonly hidesPhoneNumber?: boolean;
}

/** Everyone on the simulated network: accounts with their phones and linked devices, and groups. */
export class World {
  readonly ids: IdSource;
  private readonly byPhone = new Map<string, Account>();
  private readonly byLid = new Map<string, Account>();
  readonly groups = new Map<string, Group>();

  constructor(readonly seed: string) {
    this.ids = new IdSource(seed);
  }

  createAccount({ phone, name, requiresToken = false, hidesPhoneNumber = false }: NewAccount = {}): Account {
    const number = phone ?? this.nextFreeNumber();
    if (!/^\d{6,15}$/.test(number)) throw new Error(`invalid phone number: ${number}`);
    if (this.byPhone.has(number)) throw new Error(`account already exists: ${number}`);
    // LIDs are opaque 15-digit numbers; derive them so a seed always yields the same ones.
    const lid = String(100_000_000_000_000n + (deriveSecret(this.seed, `lid:${number}`).readBigUInt64BE(0) % 800_000_000_000_000n));
    const account: Account = {
      phone: number,
      lid,
      name: name ?? `Sim ${number}`,
      accountKey: keyPairFromSecret(deriveSecret(this.seed, `account-key:${number}`)),
      phoneDevice: new SimPhone(this.seed, `phone:${number}`, async (jids) => this.lidMappings(jids)),
      devices: new Map(),
      nextDeviceId: 2,
      restricted: false,
      requiresToken,
      hidesPhoneNumber,
      chats: new Map(),
    };
    this.byPhone.set(number, account);
    this.byLid.set(lid, account);
    return account;
  }

  /** Numbers handed out by default: +1 555 000 0001 and up, skipping any already taken. */
  private nextFreeNumber(): string {
    for (;;) {
      const number = `1555${String(this.ids.next('account')).padStart(7, '0')}`;
      if (!this.byPhone.has(number)) return number;
    }
  }

  accounts(): Account[] {
    return [...this.byPhone.values()];
  }

  account(phone: string): Account | undefined {
    return this.byPhone.get(phone);
  }

  resolve(jid: string): ResolvedJid | undefined {
    const decoded = jidDecode(jid);
    if (!decoded?.user) return undefined;
    const device = decoded.device ?? 0;
    if (decoded.server === 'lid') {
      const account = this.byLid.get(decoded.user);
      return account && { account, device, space: 'lid' };
    }
    if (decoded.server === 's.whatsapp.net') {
      const account = this.byPhone.get(decoded.user);
      return account && { account, device, space: 'pn' };
    }
    return undefined;
  }

  private lidMappings(jids: string[]): { lid: string; pn: string }[] {
    return jids.flatMap((pn) => {
      const found = this.resolve(pn);
      return found && found.space === 'pn' ? [{ pn, lid: lidJid(found.account, found.device) }] : [];
    });
  }
}
