import pino from "pino";
import type { Simulator } from "../../../src/simulator/create-simulator.ts";
import type { AccountView } from "../../../src/simulator/control/control-views.ts";
import { createBaileysDriver } from "../../../src/whatsapp/baileys/baileys-driver.ts";
import type { DriverEvent, PollStore, SessionAuth, WhatsAppDriver, WhatsAppSession } from "../../../src/whatsapp/driver.ts";
import { memoryAuth, type MemoryAuth } from "../../simulator/support/baileys-client.ts";
import { controlScan, polledQr, type QrSource, scanUntilLinked } from "../../support/link-by-qr.ts";

export type EventOf<T extends DriverEvent["type"]> = Extract<DriverEvent, { type: T }>;

/** Polls kept in a Map: the driver's tests need the store's behaviour, not Redis. */
export class MemoryPollStore implements PollStore {
  readonly polls = new Map<string, { options: string[]; secret: string; creatorJid: string }>();
  async save(sessionId: string, id: string, poll: { options: string[]; secret: string; creatorJid: string }) {
    this.polls.set(`${sessionId}:${id}`, poll);
  }
  async get(sessionId: string, id: string) {
    return this.polls.get(`${sessionId}:${id}`) ?? null;
  }
}

export const testLog = pino({ level: process.env.DRIVER_TEST_LOG ?? "silent" });

export const simDriver = (sim: Simulator, polls: PollStore = new MemoryPollStore()): WhatsAppDriver =>
  createBaileysDriver({ endpoint: { wsUrl: sim.url, trustKey: sim.rootPublicKey }, polls, log: testLog });

/** In-memory Baileys auth behind the SessionAuth interface, counting saves. */
export const sessionAuth = (auth: MemoryAuth = memoryAuth()): SessionAuth & { memory: MemoryAuth; saves: number } => {
  const wrapped = {
    memory: auth,
    saves: 0,
    state: { creds: auth.creds, keys: auth.keys },
    saveCreds: async () => void wrapped.saves++,
  };
  return wrapped;
};

/** One opened socket and every event it reported, with waits on them. */
export class OpenedSession {
  readonly events: DriverEvent[] = [];
  readonly session: WhatsAppSession;
  private readonly waiters = new Set<() => void>();

  constructor(driver: WhatsAppDriver, readonly auth: SessionAuth, options: { sessionId?: string; pairingPhone?: string; justPaired?: boolean } = {}) {
    this.session = driver.open({
      sessionId: options.sessionId ?? "s1",
      auth,
      ...(options.pairingPhone ? { pairingPhone: options.pairingPhone } : {}),
      ...(options.justPaired ? { justPaired: true } : {}),
      log: testLog,
      onEvent: (event) => {
        this.events.push(event);
        for (const wake of [...this.waiters]) wake();
      },
    });
  }

  /** The QRs this socket showed, newest last: what a phone's camera sees. */
  qrs(): QrSource {
    return polledQr(async () => this.of("qr").at(-1)?.qr);
  }

  of<T extends DriverEvent["type"]>(type: T): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }

  /** The first event of `type` matching `match`, already seen or still to come. */
  next<T extends DriverEvent["type"]>(type: T, match: (event: EventOf<T>) => boolean = () => true, timeoutMs = 15_000): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.of(type).find(match);
        if (!hit) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out waiting for a ${type} event; saw ${this.events.map((e) => e.type).join(", ")}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(wake);
    });
  }

  close(): Promise<EventOf<"close">> {
    this.session.close();
    return this.next("close");
  }
}

/**
 * A new simulated account linked through the driver by QR, then reopened and open. `beforeLink` shapes
 * the account first, e.g. gives it chats the new device's history sync then carries.
 */
export const pairedSession = async (
  sim: Simulator,
  driver: WhatsAppDriver,
  name: string,
  sessionId = name,
  beforeLink: (account: AccountView) => void = () => undefined,
): Promise<{ account: AccountView; auth: ReturnType<typeof sessionAuth>; opened: OpenedSession }> => {
  const account = sim.control.createAccount({ name });
  beforeLink(account);
  const auth = sessionAuth();
  const pairing = new OpenedSession(driver, auth, { sessionId });
  await scanUntilLinked(pairing.qrs(), controlScan(sim.control, account.phone));
  const closed = await pairing.next("close");
  if (closed.reason !== "restart_required") throw new Error(`expected restart_required after pairing, got ${closed.reason}`);
  // As the worker does: the first login after pairing waits for the initial history sync.
  const opened = new OpenedSession(driver, auth, { sessionId, justPaired: true });
  await opened.next("open");
  return { account, auth, opened };
};
