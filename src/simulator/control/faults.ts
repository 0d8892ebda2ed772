import type { Connection } from '../server/connection.ts';
import { streamConflict, streamError } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';
import type { Account } from '../world/account.ts';

const LOGGED_OUT = 401;

const liveConnections = (ctx: SimContext, account: Account, deviceId?: number): Connection[] =>
  [...account.devices.values()].flatMap((device) => {
    if (deviceId !== undefined && device.id !== deviceId) return [];
    return ctx.connectionOf(account, device) ?? [];
  });

/** The network drops the sockets without any stream error; returns how many were open. */
export const dropConnections = (ctx: SimContext, account: Account, deviceId?: number): number => {
  const live = liveConnections(ctx, account, deviceId);
  for (const conn of live) conn.close();
  return live.length;
};

/**
 * WhatsApp is unreachable for `ms` (a regional outage, a cut link): every socket drops, and connection
 * attempts fail until it is over. Returns how many sockets were open.
 */
export const outage = (ctx: SimContext, ms: number): number => {
  ctx.unreachableUntil = Date.now() + ms;
  const live = [...ctx.connections.values()];
  for (const conn of live) conn.close();
  return live.length;
};

/** Another socket took over: the clients see stream:error conflict/replaced (440). */
export const replaceConnections = (ctx: SimContext, account: Account, deviceId?: number): number => {
  const live = liveConnections(ctx, account, deviceId);
  for (const conn of live) {
    conn.sendNode(streamConflict());
    conn.close();
  }
  return live.length;
};

/** The phone unlinks a device: an online client sees stream:error 401 (loggedOut); its creds stop working. */
export const unlinkDevice = (ctx: SimContext, account: Account, deviceId: number): void => {
  for (const conn of liveConnections(ctx, account, deviceId)) {
    conn.sendNode(streamError(LOGGED_OUT));
    conn.close();
  }
  account.devices.delete(deviceId);
  ctx.forgetDevice(account, deviceId);
};
