import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { WorkerWorld } from "../worker/support/worker-world.ts";

// What a WEBHOOK_URL receiver gets as a session lives: contract B's connection.update close whenever the
// gateway closes an open socket (STOP_SESSION, shutdown, DELETE_SESSION), and each status change once.
setDefaultTimeout(120_000);

interface Envelope {
  event: string;
  sessionId: string | null;
  eventId: string;
  sequence: number;
  data: Record<string, unknown>;
}

const received: Envelope[] = [];
const receiver = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    received.push((await request.json()) as Envelope);
    return new Response("ok");
  },
});

const SESSION = "lifecycle";
let world: WorkerWorld;

beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "webhook-session-lifecycle", args: [`--webhook-url=http://127.0.0.1:${receiver.port}/hook`, "--allow-private-webhook-urls"] });
});
afterAll(async () => {
  await world.stop();
  await receiver.stop(true);
});

/** The session's latest sequence number in the ledger: what a receiver has once it caught up. */
function ledgerHead(): number {
  const db = world.db();
  try {
    return db.query<{ head: number | null }, [string]>("SELECT max(sequence) AS head FROM event_ledger WHERE stream = ?").get(`session:${SESSION}`)?.head ?? 0;
  } finally {
    db.close();
  }
}

/**
 * Waits until the receiver has every event of the session the ledger holds now and whose trigger
 * `done` finds, and returns them in sequence order, repeats (delivery is at least once) dropped by
 * eventId as the README tells receivers to.
 */
async function caughtUp(what: string, done: (events: Envelope[]) => boolean): Promise<Envelope[]> {
  return world.until(
    what,
    () => {
      const byId = new Map(received.filter((e) => e.sessionId === SESSION).map((e) => [e.eventId, e]));
      const events = [...byId.values()].sort((a, b) => a.sequence - b.sequence);
      const head = ledgerHead();
      return done(events) && events.length >= head && events.at(-1)?.sequence === head ? events : undefined;
    },
    60_000,
  );
}

/** Waits until the ledger holds `count` of a lifecycle event: the last report of a change, so its repeats are in by then. */
const stored = (event: string, count: number) => world.until(`${count} ${event}`, () => (world.events(SESSION, event).length >= count ? true : undefined), 60_000);

const statuses = (events: Envelope[], status: string) => events.filter((e) => e.event === "session.status" && e.data.status === status);
const closes = (events: Envelope[]) => events.filter((e) => e.event === "connection.update" && e.data.connection === "close");
let seen = 0;
const since = (events: Envelope[]) => events.slice(seen);

test("linking: each status change reaches the receiver once as session.status, and the session's sequence has no gap", async () => {
  await world.link(SESSION);
  await stored("session_connected", 1);
  const events = await caughtUp("the connected session's events", (e) => statuses(e, "connected").length > 0);
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
  expect(statuses(events, "created")).toHaveLength(1);
  expect(statuses(events, "connected")).toHaveLength(1);
  expect(events.filter((e) => e.event === "connection.update" && e.data.connection === "open")).toHaveLength(1);
  seen = events.length;
});

test("STOP_SESSION closes the socket: the receiver gets contract B's close, and `stopped` once", async () => {
  const job = await world.job(`/api/v1/sessions/${SESSION}/stop`, {});
  expect(job.state).toBe("completed");
  await stored("session_disconnected", 1);
  const after = since(await caughtUp("the stop's events", (e) => statuses(since(e), "stopped").length > 0));
  expect(closes(after)).toHaveLength(1);
  expect(closes(after)[0]!.data).toMatchObject({ connection: "close", lastDisconnect: { reason: "closed", message: expect.stringContaining("STOP_SESSION") } });
  expect(statuses(after, "stopped")).toHaveLength(1);
  seen += after.length;
});

test("a graceful shutdown closes the socket: the receiver gets the close, then the session reconnects after the restart", async () => {
  await world.api("POST", "/api/v1/sessions", { sessionId: SESSION });
  await world.waitStatus(SESSION, "connected", 30_000);
  await stored("session_connected", 2);
  seen = (await caughtUp("the restarted session's events", (e) => statuses(since(e), "connected").length > 0)).length;

  await world.restart("SIGTERM");
  await world.waitStatus(SESSION, "connected", 30_000);
  await stored("session_connected", 3);
  const after = since(await caughtUp("the shutdown's close and the reconnect", (e) => closes(since(e)).length > 0 && statuses(since(e), "connected").length > 0));
  const close = after.findIndex((e) => e.event === "connection.update" && e.data.connection === "close");
  expect(after[close]!.data).toMatchObject({ lastDisconnect: { reason: "closed", message: expect.stringContaining("the worker is stopping") } });
  // The close came before the new socket opened, and said so once.
  expect(closes(after)).toHaveLength(1);
  expect(after.slice(close).some((e) => e.event === "connection.update" && e.data.connection === "open")).toBe(true);
  expect(statuses(after, "connected")).toHaveLength(1);
  seen += after.length;
});

test("DELETE_SESSION logs out and closes the socket: the receiver gets the close, and `deleted` once", async () => {
  const reply = await world.api<{ jobId: string }>("DELETE", `/api/v1/sessions/${SESSION}`);
  expect((await world.waitJob(reply.body.data.jobId)).state).toBe("completed");
  await stored("session_deleted", 1);
  const after = since(await caughtUp("the delete's events", (e) => statuses(since(e), "deleted").length > 0));
  expect(closes(after)).toHaveLength(1);
  expect(closes(after)[0]!.data).toMatchObject({ connection: "close", lastDisconnect: { reason: "closed", message: expect.stringContaining("DELETE_SESSION") } });
  expect(statuses(after, "deleted")).toHaveLength(1);
  const all = await caughtUp("every event", () => true);
  expect(all.map((e) => e.sequence)).toEqual(all.map((_, i) => i + 1));
});
