/** A participant as the server tracks it: by account phone, with a role. */
export interface GroupMember {
  readonly phone: string;
  admin: 'admin' | 'superadmin' | null;
}

export interface Group {
  readonly jid: string;
  subject: string;
  readonly creator: string;
  readonly createdAt: number;
  readonly members: Map<string, GroupMember>;
}
