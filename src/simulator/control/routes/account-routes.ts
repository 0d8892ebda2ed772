import { Elysia, t } from 'elysia';
import { proto } from '../../../whatsapp/protocol.ts';
import type { SimControl } from '../control-service.ts';
import * as S from '../control-schemas.ts';

const tags = ['simulator: accounts'];

/** Simulated accounts, what their phones received, and receipt timing. */
export const accountRoutes = (control: SimControl) =>
  new Elysia()
    .get('/accounts', () => control.accounts(), { response: t.Array(S.AccountBody), detail: { tags, summary: 'List simulated accounts' } })
    .post('/accounts', ({ body }) => control.createAccount({ ...body, phone: body.phone?.replace('+', '') }), {
      body: S.NewAccountBody,
      response: { 200: S.AccountBody, 409: S.ErrorBody },
      detail: { tags, summary: 'Create a simulated account: a phone number with its simulated phone' },
    })
    .get('/accounts/:phone', ({ params }) => control.getAccount(params.phone), {
      response: { 200: S.AccountBody, 404: S.ErrorBody },
      detail: { tags, summary: 'One account with its linked devices' },
    })
    .post('/accounts/:phone/chats', ({ params, body }) => control.openChat(params.phone, body.with), {
      body: S.ChatBody,
      response: { 200: S.AccountBody, 404: S.ErrorBody },
      detail: { tags, summary: 'This account already has a chat with someone, who granted it a privacy token (sent by history sync or notification)' },
    })
    .get(
      '/accounts/:phone/inbox',
      ({ params }) => control.inbox(params.phone).map((e) => ({ ...e, message: proto.Message.fromObject(e.message).toJSON() })),
      { response: { 200: S.InboxBody, 404: S.ErrorBody }, detail: { tags, summary: "What this account's phone received, decrypted" } },
    )
    .get('/accounts/:phone/receipts/:messageId', ({ params }) => control.receiptsFor(params.phone, params.messageId), {
      response: { 200: t.Array(t.String()), 404: S.ErrorBody },
      detail: { tags, summary: 'Receipt types (delivered, read, ...) a linked number sent for a message this phone sent' },
    })
    .get('/stats', () => control.stats(), {
      response: S.StatsBody,
      detail: { tags, summary: 'Running totals: messages from linked clients acknowledged by the server, open connections, logins that replaced a live one' },
    })
    .get('/overlaps', () => control.overlaps(), {
      response: S.OverlapsBody,
      detail: { tags, summary: 'The latest logins that found the same device still connected (two live sockets at once)' },
    })
    .get('/client-versions', () => control.clientVersions(), {
      response: S.ClientVersionsBody,
      detail: { tags, summary: 'The WA Web version each of the latest connections announced, and whether it was refused as retired' },
    })
    .get('/errors', () => control.errors(), {
      response: t.Array(t.String()),
      detail: { tags, summary: "Failures inside the simulator's handlers, newest last (empty when healthy)" },
    })
    .put('/receipts', ({ body }) => control.setReceipts(body), {
      body: S.ReceiptSettingsBody,
      response: S.ReceiptSettingsView,
      detail: { tags, summary: 'Set the receipt delays of simulated phones, or lose receipts' },
    });
