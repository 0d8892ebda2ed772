import type { Account } from './account.ts';

export type GroupRole = 'admin' | 'superadmin' | null;

export interface Group {
  readonly jid: string;
  subject: string;
  readonly creator: Account;
  readonly createdAt: number;
  /** Members by account phone. */
  readonly members: Map<string, { account: Account; role: GroupRole }>;
  /**
   * For each simulated phone that sent to the group: the linked devices (`phone:device`) that already
   * hold its sender key, so the distribution message goes to each device once.
   */
  readonly senderKeyHolders: Map<string, Set<string>>;
}

export const isAdmin = (group: Group, account: Account): boolean => !!group.members.get(account.phone)?.role;
