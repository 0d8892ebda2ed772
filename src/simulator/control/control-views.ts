import type { PendingPairing } from '../pairing/pending-pairing.ts';
import type { SimContext } from '../server/sim-context.ts';
import { type Account, lidJid, pnJid } from '../world/account.ts';
import type { Group, GroupRole } from '../world/group.ts';

/** What the control surface returns: plain data, safe to serialise. */
export interface AccountView {
  phone: string;
  jid: string;
  lid: string;
  name: string;
  restricted: boolean;
  requiresToken: boolean;
  hidesPhoneNumber: boolean;
  /** Phone numbers of the people this account has a chat with (and a privacy token from). */
  chats: string[];
  devices: { id: number; online: boolean; platform: string }[];
}

export interface PairingView {
  id: string;
  refs: string[];
  platform: string;
  createdAt: number;
  codeRequestedFor: string | null;
  /** Registration refreshes sent to this companion, and how many it acknowledged. */
  refreshesSent: number;
  refreshesAcked: number;
}

export interface SendResult {
  id: string;
  /** How many linked devices got it, or will when they come back online. */
  deliveredTo: number;
  /** The Signal message type each device got: `pkmsg` opens a session, `msg` uses it. */
  encTypes: ('pkmsg' | 'msg')[];
}

export interface GroupView {
  jid: string;
  subject: string;
  creator: string;
  members: { phone: string; role: GroupRole }[];
}

/** Raised for requests that name things that do not exist or are in the wrong state. */
export class ControlError extends Error {
  /** Carried so that an app the control API is mounted in (the sandbox) answers with it too. */
  readonly status: number;
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST',
  ) {
    super(message);
    this.status = CONTROL_STATUS[code];
  }
}

const CONTROL_STATUS = { NOT_FOUND: 404, CONFLICT: 409, BAD_REQUEST: 400 } as const;

export const accountView = (ctx: SimContext, account: Account): AccountView => ({
  phone: account.phone,
  jid: pnJid(account),
  lid: lidJid(account),
  name: account.name,
  restricted: account.restricted,
  requiresToken: account.requiresToken,
  hidesPhoneNumber: account.hidesPhoneNumber,
  chats: [...account.chats.keys()],
  devices: [...account.devices.values()].map((d) => ({ id: d.id, online: !!ctx.connectionOf(account, d), platform: d.platform })),
});

export const pairingView = (p: PendingPairing): PairingView => ({
  id: p.id,
  refs: [...p.refs],
  platform: p.platform,
  createdAt: p.createdAt,
  codeRequestedFor: p.code?.phone ?? null,
  refreshesSent: p.refresh.sent.length,
  refreshesAcked: p.refresh.acked.size,
});

export const groupView = (group: Group): GroupView => ({
  jid: group.jid,
  subject: group.subject,
  creator: group.creator.phone,
  members: [...group.members.values()].map(({ account, role }) => ({ phone: account.phone, role })),
});
