import { Elysia, t } from 'elysia';
import type { SimControl } from '../control-service.ts';
import * as S from '../control-schemas.ts';

const tags = ['simulator: pairing'];

/** Linking clients: list who waits, scan a QR, enter a pairing code. */
export const pairingRoutes = (control: SimControl) =>
  new Elysia()
    .get('/pairings', () => control.pendingPairings(), {
      response: t.Array(S.PairingBody),
      detail: { tags, summary: 'Clients waiting to be linked (showing a QR or waiting for a code)' },
    })
    .post('/pairings/scan', ({ body }) => control.scanQr(body.phone, body.qr), {
      body: S.ScanBody,
      response: { 200: S.AccountBody, 400: S.ErrorBody, 404: S.ErrorBody },
      detail: { tags, summary: "Play the phone owner scanning a client's QR" },
    })
    .post('/pairings/code', ({ body }) => control.enterPairingCode(body.phone, body.code), {
      body: S.CodeBody,
      response: { 200: S.AccountBody, 400: S.ErrorBody, 404: S.ErrorBody },
      detail: { tags, summary: 'Play the phone owner entering a pairing code' },
    });
