import { Elysia, t } from 'elysia';
import type { SimControl } from '../control-service.ts';
import * as S from '../control-schemas.ts';

const tags = ['simulator: faults'];

/** Faults for tests: dropped sockets, unlinked devices, restricted accounts, a restart. */
export const faultRoutes = (control: SimControl, restart: () => Promise<void>) =>
  new Elysia()
    .post('/faults/drop', ({ body }) => ({ dropped: control.dropConnection(body.phone, body.deviceId) }), {
      body: S.DeviceFaultBody,
      response: { 200: t.Object({ dropped: t.Number() }), 404: S.ErrorBody },
      detail: { tags, summary: "Drop a number's connections without a stream error" },
    })
    .post('/faults/conflict', ({ body }) => ({ replaced: control.replaceConnection(body.phone, body.deviceId) }), {
      body: S.DeviceFaultBody,
      response: { 200: t.Object({ replaced: t.Number() }), 404: S.ErrorBody },
      detail: { tags, summary: 'Replace the connections as a second login would: the client sees 440' },
    })
    .post('/faults/logout', ({ body }) => (control.logoutDevice(body.phone, body.deviceId), { loggedOut: true }), {
      body: S.LogoutBody,
      response: { 200: t.Object({ loggedOut: t.Boolean() }), 404: S.ErrorBody },
      detail: { tags, summary: 'Unlink a device: the client sees loggedOut (401)' },
    })
    .post('/faults/forget-sessions', async ({ body }) => (await control.forgetSessions(body.phone), { forgotten: true }), {
      body: t.Object({ phone: S.Phone }),
      response: { 200: t.Object({ forgotten: t.Boolean() }), 404: S.ErrorBody },
      detail: { tags, summary: "The simulated phone loses its Signal sessions; peers recover through retry receipts" },
    })
    .post('/faults/restrict', ({ body }) => control.setRestricted(body.phone, body.restricted), {
      body: S.RestrictBody,
      response: { 200: S.AccountBody, 404: S.ErrorBody },
      detail: { tags, summary: 'Refuse sends from this account with error 463' },
    })
    .post('/faults/outage', ({ body }) => ({ dropped: control.outage(body.ms) }), {
      body: t.Object({ ms: t.Integer({ minimum: 1, maximum: 3_600_000, description: 'How long WhatsApp stays unreachable' }) }),
      response: { 200: t.Object({ dropped: t.Number() }) },
      detail: { tags, summary: 'WhatsApp unreachable for a while: every socket drops and connection attempts fail until it is over' },
    })
    .post('/faults/restart', async () => (await restart(), { restarted: true }), {
      response: t.Object({ restarted: t.Boolean() }),
      detail: { tags, summary: 'Drop every client and listen again, keeping all state' },
    });
