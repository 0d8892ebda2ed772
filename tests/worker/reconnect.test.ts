import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

const BASE_DELAY_MS = 50;
/** reconnect-policy.ts: a 440 starts this many times higher than a drop. */
const REPLACED_FACTOR = 5;

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-reconnect", args: [`--reconnect-base-delay=${BASE_DELAY_MS}ms`] });
});
afterAll(() => world.stop());

/** The statuses the worker reported for a session (session-status webhook), oldest first. */
const statuses = (sessionId: string): string[] => world.ledger(sessionId).filter((e) => e.source === "session-status").map((e) => String(e.data.status));

const connectedCount = (sessionId: string): number => statuses(sessionId).filter((s) => s === "connected").length;

/** The worker's reconnect backoffs for a session, from its logs. */
const backoffs = (sessionId: string): { reason: string; attempt: number; delayMs: number }[] =>
  world
    .logged("reconnecting after a backoff")
    .filter((l) => l.sessionId === sessionId)
    .map((l) => ({ reason: String(l.reason), attempt: Number(l.attempt), delayMs: Number(l.delayMs) }));

async function sendsTo(sessionId: string, text: string): Promise<void> {
  const carol = world.sim.control.createAccount({ name: `Carol ${text}` });
  const job = await world.job(`/api/v1/sessions/${sessionId}/messages/text`, { to: carol.jid, text });
  expect(job.state).toBe("completed");
  const id = (job.result as { messageId: string }).messageId;
  const got = await world.sim.control.waitForInbox(carol.phone, (e) => e.id === id);
  expect(got.message.conversation ?? got.message.extendedTextMessage?.text).toBe(text);
}

test("a dropped connection reconnects: reconnecting, then connected, and a send works after", async () => {
  const biz = await world.link("drop");
  const before = statuses("drop").length;
  expect(world.sim.control.dropConnection(biz.phone)).toBe(1);
  await world.until("connected again", () => (connectedCount("drop") === 2 ? true : undefined));
  expect(statuses("drop").slice(before)).toEqual(["reconnecting", "connected"]);
  expect((await world.session("drop")).status).toBe("connected");
  const [backoff] = backoffs("drop");
  expect(backoff).toMatchObject({ reason: "connection_lost", attempt: 1 });
  expect(backoff?.delayMs).toBeWithin(BASE_DELAY_MS * 0.5, BASE_DELAY_MS * 1.5 + 1);
  await sendsTo("drop", "after the drop");
});

test("a 440 conflict loop backs off harder each round instead of fighting", async () => {
  const biz = await world.link("fight");
  // The other client takes the device back every time this one is connected again.
  const rounds = 5;
  const startedAt = Date.now();
  for (let round = 1; round <= rounds; round++) {
    expect(world.sim.control.replaceConnection(biz.phone)).toBe(1);
    await world.until(`connected after conflict ${round}`, () => (connectedCount("fight") === round + 1 ? true : undefined), 20_000);
  }
  const elapsed = Date.now() - startedAt;
  const delays = backoffs("fight");
  expect(delays.map((d) => `${d.reason}#${d.attempt}`)).toEqual(["replaced#1", "replaced#2", "replaced#3", "replaced#4", "replaced#5"]);
  // Each round waits twice as long as the one before (±50% jitter), starting 5 times above a drop's.
  delays.forEach((d, i) => {
    const nominal = BASE_DELAY_MS * REPLACED_FACTOR * 2 ** i;
    expect(d.delayMs).toBeWithin(nominal * 0.5, nominal * 1.5 + 1);
  });
  expect(delays.at(-1)!.delayMs).toBeGreaterThan(delays[0]!.delayMs);
  // It really waited them out: five conflicts took at least the shortest backoffs possible (no quick re-fight).
  const shortest = [0, 1, 2, 3, 4].reduce((sum, i) => sum + BASE_DELAY_MS * REPLACED_FACTOR * 2 ** i * 0.5, 0);
  expect(elapsed).toBeGreaterThanOrEqual(shortest);
  // It stayed a session that reconnects, not one that gave up.
  expect((await world.session("fight")).status).toBe("connected");
  await sendsTo("fight", "after the conflicts");
}, 40_000);
