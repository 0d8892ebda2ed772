import { t } from 'elysia';

export const ErrorBody = t.Object({ success: t.Literal(false), error: t.String(), code: t.String() });

export const Phone = t.String({ pattern: '^\\+?\\d{6,15}$', description: 'Phone number, digits only (a leading + is allowed)' });

export const AccountBody = t.Object({
  phone: t.String(),
  jid: t.String(),
  lid: t.String(),
  name: t.String(),
  restricted: t.Boolean(),
  requiresToken: t.Boolean(),
  hidesPhoneNumber: t.Boolean(),
  chats: t.Array(t.String(), { description: 'Phone numbers this account has a chat with (and a privacy token from)' }),
  devices: t.Array(t.Object({ id: t.Number(), online: t.Boolean(), platform: t.String() })),
});

export const NewAccountBody = t.Object({
  phone: t.Optional(Phone),
  name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  requiresToken: t.Optional(t.Boolean({ description: 'Linked devices must present the privacy token this person granted them, or get 463 (default false)' })),
  hidesPhoneNumber: t.Optional(t.Boolean({ description: "The server no longer discloses this number: this person's messages carry their LID only (default false)" })),
});
export const ChatBody = t.Object({ with: Phone });

export const PairingBody = t.Object({
  id: t.String(),
  refs: t.Array(t.String()),
  platform: t.String(),
  createdAt: t.Number(),
  codeRequestedFor: t.Union([t.String(), t.Null()]),
  refreshesSent: t.Integer({ description: "Registration refreshes (companion_reg_refresh) sent to this companion" }),
  refreshesAcked: t.Integer({ description: "How many of them it acknowledged" }),
});

export const ScanBody = t.Object({ phone: Phone, qr: t.String({ minLength: 10, description: 'The QR string the client displayed' }) });
export const CodeBody = t.Object({ phone: Phone, code: t.String({ minLength: 8, maxLength: 9 }) });

export const TextBody = t.Object({ to: Phone, text: t.String({ minLength: 1 }) });
export const ReactionBody = t.Object({
  to: Phone,
  messageId: t.String({ minLength: 1 }),
  emoji: t.String({ description: 'Empty string removes the reaction' }),
  fromMe: t.Optional(t.Boolean({ description: 'Whether the reacted message was sent by the linked number (default true)' })),
});
export const PollVoteBody = t.Object({
  to: Phone,
  pollMessageId: t.String({ minLength: 1 }),
  options: t.Array(t.String(), { description: 'Option names to select; empty clears the vote' }),
});
export const SendResultBody = t.Object({ id: t.String(), deliveredTo: t.Number(), encTypes: t.Array(t.String()) });

export const InboxBody = t.Array(
  t.Object({ id: t.String(), chat: t.String(), from: t.String(), receivedAt: t.Number(), message: t.Record(t.String(), t.Unknown()) }),
);

export const StatsBody = t.Object({
  clientMessagesAcked: t.Number({ description: 'Messages from linked clients the server acknowledged since it started' }),
  connections: t.Number({ description: 'Open client connections' }),
  replacedLogins: t.Number({
    description: 'Logins that found the same device still connected (two live sockets for one device at once) since the simulator started',
  }),
});

export const OverlapsBody = t.Array(
  t.Object({ device: t.String({ description: '<phone>:<device>' }), at: t.Number({ description: 'Unix ms' }) }),
  { description: 'The latest 100 logins that replaced a still-open connection, oldest first' },
);

export const ClientVersionsBody = t.Array(
  t.Object({
    device: t.Union([t.String(), t.Null()], { description: '<phone>:<device> a login claims; null for a client registering to pair' }),
    version: t.String({ description: 'The ClientPayload userAgent.appVersion, e.g. 2.3000.1043857760' }),
    refused: t.Boolean({ description: 'Refused with <failure reason=405> as retired (older than the minimum version)' }),
    at: t.Number({ description: 'Unix ms' }),
  }),
  { description: 'The latest 100 connections that announced a version, oldest first' },
);

export const ReceiptSettingsBody = t.Object({
  deliveredDelayMs: t.Optional(t.Integer({ minimum: 0, maximum: 600_000 })),
  readDelayMs: t.Optional(t.Integer({ minimum: 0, maximum: 600_000 })),
  lose: t.Optional(t.Boolean()),
});

export const DeviceFaultBody = t.Object({ phone: Phone, deviceId: t.Optional(t.Integer({ minimum: 1 })) });
export const LogoutBody = t.Object({ phone: Phone, deviceId: t.Integer({ minimum: 1 }) });
export const RestrictBody = t.Object({ phone: Phone, restricted: t.Boolean() });

export const ReceiptSettingsView = t.Object({ deliveredDelayMs: t.Number(), readDelayMs: t.Number(), lose: t.Boolean() });

export const MediaBody = t.Object({
  to: Phone,
  kind: t.Union([t.Literal('image'), t.Literal('video'), t.Literal('audio'), t.Literal('ptt'), t.Literal('document'), t.Literal('sticker')]),
  mimetype: t.String({ minLength: 1 }),
  dataBase64: t.String({ minLength: 1, description: 'The file, base64' }),
  caption: t.Optional(t.String()),
  fileName: t.Optional(t.String()),
});

const Role = t.Union([t.Literal('admin'), t.Literal('superadmin'), t.Null()]);
export const GroupBody = t.Object({
  jid: t.String(),
  subject: t.String(),
  creator: t.String(),
  members: t.Array(t.Object({ phone: t.String(), role: Role })),
});
export const NewGroupBody = t.Object({ creator: Phone, subject: t.String({ minLength: 1, maxLength: 100 }), members: t.Array(Phone) });
export const ParticipantsBody = t.Object({
  actor: Phone,
  action: t.Union([t.Literal('add'), t.Literal('remove'), t.Literal('promote'), t.Literal('demote')]),
  phones: t.Array(Phone, { minItems: 1 }),
});
export const ParticipantResultsBody = t.Array(t.Object({ phone: t.String(), error: t.Union([t.String(), t.Null()]) }));
export const GroupTextBody = t.Object({ from: Phone, text: t.String({ minLength: 1 }) });
export const GroupReactionBody = t.Object({ from: Phone, messageId: t.String({ minLength: 1 }), author: Phone, emoji: t.String() });
export const GroupPollVoteBody = t.Object({ from: Phone, pollMessageId: t.String({ minLength: 1 }), creator: Phone, options: t.Array(t.String()) });
