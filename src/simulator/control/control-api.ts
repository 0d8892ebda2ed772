import { Elysia, t } from 'elysia';
import { proto } from '../../whatsapp/protocol.ts';
import { ControlError, type SimControl } from './control-service.ts';
import * as S from './control-schemas.ts';

const STATUS = { NOT_FOUND: 404, CONFLICT: 409, BAD_REQUEST: 400 } as const;

export interface ControlApiOptions {
  readonly control: SimControl;
  /** Drops every client and listens again: the "simulator restart" fault. */
  readonly restart: () => Promise<void>;
  readonly prefix?: string;
}

const fail = (status: number, error: string, code: string): Response =>
  Response.json({ success: false, error, code }, { status });

/**
 * The simulator's control API as a mountable Elysia app: accounts, pairing, messages from simulated
 * contacts, the phones' inboxes, receipt timing and faults. Errors use contract A's
 * `{success:false,error,code}`, and invalid input is a 400 that names the field.
 */
export const controlApi = ({ control, restart, prefix = '/sim' }: ControlApiOptions) =>
  new Elysia({ prefix, name: 'wa-simulator-control' })
    .onError(({ code, error }) => {
      if (error instanceof ControlError) return fail(STATUS[error.code], error.message, error.code);
      if (code === 'VALIDATION') {
        const field = error.valueError?.path?.replace(/^\//, '') || 'body';
        return fail(400, `invalid ${field}: ${error.valueError?.message ?? 'bad value'}`, 'VALIDATION');
      }
      if (code === 'NOT_FOUND') return fail(404, 'not found', 'NOT_FOUND');
      return fail(500, error instanceof Error ? error.message : 'internal error', 'INTERNAL');
    })
    .get('/accounts', () => control.accounts(), { response: t.Array(S.AccountBody), detail: { tags: ['simulator'], summary: 'List simulated accounts' } })
    .post('/accounts', ({ body }) => control.createAccount({ phone: body.phone?.replace('+', ''), name: body.name }), {
      body: S.NewAccountBody,
      response: { 200: S.AccountBody, 409: S.ErrorBody },
      detail: { tags: ['simulator'], summary: 'Create a simulated account (a phone number with its phone)' },
    })
    .get('/accounts/:phone', ({ params }) => control.getAccount(params.phone), {
      response: { 200: S.AccountBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: 'One account with its linked devices' },
    })
    .get('/pairings', () => control.pendingPairings(), {
      response: t.Array(S.PairingBody),
      detail: { tags: ['simulator'], summary: 'Clients waiting to be linked (showing a QR or waiting for a code)' },
    })
    .post('/pairings/scan', ({ body }) => control.scanQr(body.phone, body.qr), {
      body: S.ScanBody,
      response: { 200: S.AccountBody, 400: S.ErrorBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: "Play the phone owner scanning a client's QR" },
    })
    .post('/pairings/code', ({ body }) => control.enterPairingCode(body.phone, body.code), {
      body: S.CodeBody,
      response: { 200: S.AccountBody, 400: S.ErrorBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: 'Play the phone owner entering a pairing code' },
    })
    .post('/accounts/:phone/messages/text', ({ params, body }) => control.sendText(params.phone, body.to, body.text), {
      body: S.TextBody,
      response: { 200: S.SendResultBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: "Send a text from this account's phone to a linked number" },
    })
    .post('/accounts/:phone/messages/reaction', ({ params, body }) => control.sendReaction(params.phone, body.to, body.messageId, body.emoji, body.fromMe ?? true), {
      body: S.ReactionBody,
      response: { 200: S.SendResultBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: 'React to a message of the linked number' },
    })
    .post('/accounts/:phone/messages/poll-vote', ({ params, body }) => control.sendPollVote(params.phone, body.to, body.pollMessageId, body.options), {
      body: S.PollVoteBody,
      response: { 200: S.SendResultBody, 400: S.ErrorBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: "Vote on a poll the linked number sent to this account's phone" },
    })
    .get(
      '/accounts/:phone/inbox',
      ({ params }) => control.inbox(params.phone).map((e) => ({ ...e, message: proto.Message.fromObject(e.message).toJSON() })),
      { response: { 200: S.InboxBody, 404: S.ErrorBody }, detail: { tags: ['simulator'], summary: "What this account's phone received, decrypted" } },
    )
    .put('/receipts', ({ body }) => control.setReceipts(body), {
      body: S.ReceiptSettingsBody,
      detail: { tags: ['simulator'], summary: 'Set receipt delays of simulated phones, or lose receipts' },
    })
    .post('/faults/drop', ({ body }) => ({ dropped: control.dropConnection(body.phone, body.deviceId) }), {
      body: S.DeviceFaultBody,
      detail: { tags: ['simulator'], summary: "Drop a number's connections without a stream error" },
    })
    .post('/faults/logout', ({ body }) => (control.logoutDevice(body.phone, body.deviceId), { loggedOut: true }), {
      body: S.LogoutBody,
      detail: { tags: ['simulator'], summary: 'Unlink a device: the client sees loggedOut (401)' },
    })
    .post('/faults/restrict', ({ body }) => control.setRestricted(body.phone, body.restricted), {
      body: S.RestrictBody,
      response: { 200: S.AccountBody, 404: S.ErrorBody },
      detail: { tags: ['simulator'], summary: 'Refuse sends from this account with error 463' },
    })
    .post('/faults/restart', async () => (await restart(), { restarted: true }), {
      detail: { tags: ['simulator'], summary: 'Drop every client and listen again, keeping all state' },
    });
