import type { WASocket } from '@whiskeysockets/baileys';
import type { AccountView } from '../../../src/simulator/control/control-views.ts';
import type { Simulator } from '../../../src/simulator/create-simulator.ts';
import { connectOpen, type MemoryAuth, nextEvent, pairWithQr } from './baileys-client.ts';

export interface LinkedClient {
  account: AccountView;
  auth: MemoryAuth;
  sock: WASocket;
}

/** A new account with one Baileys client paired, connected and past its initial sync. */
export const linkedClient = async (sim: Simulator, name: string): Promise<LinkedClient> => {
  const account = sim.control.createAccount({ name });
  const auth = await pairWithQr(sim, account.phone);
  const sock = await connectOpen(sim, auth);
  if (auth.creds.accountSyncCounter !== 1) await nextEvent(sock, 'creds.update', (u) => u.accountSyncCounter === 1);
  return { account, auth, sock };
};
