import type { proto } from '../../whatsapp/protocol.ts';
import { formatWaVersion, type WaVersion } from '../../config/wa-version.ts';
import type { Connection } from './connection.ts';
import { node } from './nodes.ts';
import type { SimContext } from './sim-context.ts';

/** What one connection announced, as `GET /sim/client-versions` lists it. */
export interface ClientVersion {
  /** `<phone>:<device>` a login claims (before it is checked); null for a client registering to pair. */
  readonly device: string | null;
  /** The ClientPayload's `userAgent.appVersion`, written `primary.secondary.tertiary`. */
  readonly version: string;
  /** Refused as retired: older than the simulator's minimum version. */
  readonly refused: boolean;
  /** Unix ms. */
  readonly at: number;
}

const MAX_KEPT = 100;

/**
 * WhatsApp's answer to a retired WA Web version, at login and registration alike: `<failure reason="405">`
 * right after the handshake, before any QR (Baileys #1634, #1937, #2370; WAHA #2191). Baileys ends the
 * socket with Boom 405 "Connection Failure".
 */
const RETIRED_VERSION = '405';

const announcedVersion = (payload: proto.ClientPayload): WaVersion => {
  const v = payload.userAgent?.appVersion;
  return [v?.primary ?? 0, v?.secondary ?? 0, v?.tertiary ?? 0];
};

const isOlder = (a: WaVersion, b: WaVersion): boolean => {
  const i = a.findIndex((part, j) => part !== b[j]);
  return i >= 0 && a[i]! < b[i]!;
};

/**
 * Records the version a client announced and refuses it if retired. Returns whether the client may go
 * on to log in or register.
 */
export const admitClientVersion = (ctx: SimContext, conn: Connection, payload: proto.ClientPayload): boolean => {
  const version = announcedVersion(payload);
  const refused = ctx.minClientVersion !== undefined && isOlder(version, ctx.minClientVersion);
  const device = payload.devicePairingData ? null : `${String(payload.username ?? '')}:${payload.device ?? 0}`;
  ctx.clientVersions.push({ device, version: formatWaVersion(version), refused, at: Date.now() });
  if (ctx.clientVersions.length > MAX_KEPT) ctx.clientVersions.shift();
  if (!refused) return true;
  conn.sendNode(node('failure', { reason: RETIRED_VERSION, location: 'sim' }));
  conn.close();
  return false;
};
