import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

const MAX_FAILURES = 3;

let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-give-up", args: ["--reconnect-base-delay=50ms", `--reconnect-max-failures=${MAX_FAILURES}`] });
});
afterAll(() => world.stop());

const backoffs = (sessionId: string) => world.logged("reconnecting after a backoff").filter((l) => l.sessionId === sessionId);

test("with WhatsApp unreachable a session retries with backoff, ends in error after the configured failures, and stays down until START_SESSION", async () => {
  const biz = await world.link("stubborn");
  // The API can say connected (from connection.update) before the session-status report of it is stored.
  const connectedReport = () => world.ledger("stubborn").some((e) => e.source === "session-status" && e.data.status === "connected");
  await world.until("the connected session-status report", () => (connectedReport() ? true : undefined));
  const before = world.ledger("stubborn").filter((e) => e.source === "session-status").length;
  await world.sim.pause();
  try {
    const session = await world.waitStatus("stubborn", "error");
    expect(String(session.lastError)).toContain(`gave up after ${MAX_FAILURES} failed connection attempts`);
    // A backoff before each attempt but the last failure's, doubling (±50% jitter).
    const waits = backoffs("stubborn");
    expect(waits.map((l) => l.attempt)).toEqual([1, 2]);
    expect(Number(waits[0]!.delayMs)).toBeWithin(25, 76);
    expect(Number(waits[1]!.delayMs)).toBeWithin(50, 151);
    const events = world.ledger("stubborn");
    expect(events.filter((e) => e.source === "session-status").slice(before).map((e) => e.data.status)).toEqual(["reconnecting", "reconnecting", "error"]);
    await world.until("session_disconnected", () => (world.ledger("stubborn").some((e) => e.event === "session_disconnected" && e.data.status === "error") ? true : undefined));
  } finally {
    await world.sim.resume();
  }

  // WhatsApp is back, but the session waits for a START_SESSION instead of looping on its own.
  const attempts = backoffs("stubborn").length;
  await Bun.sleep(1500);
  expect(backoffs("stubborn")).toHaveLength(attempts);
  expect(world.sim.control.getAccount(biz.phone).devices.filter((d) => d.online)).toEqual([]);
  expect((await world.session("stubborn")).status).toBe("error");
  // contract A's heartbeat counts it as an error session.
  await world.until("a heartbeat counting the error", () => {
    const db = world.db();
    const row = db.query<{ e: number }, []>("SELECT session_error AS e FROM worker_metrics WHERE worker_id = 'worker-test' ORDER BY timestamp DESC LIMIT 1").get();
    db.close();
    return row?.e === 1 ? true : undefined;
  });

  const reply = await world.api("POST", "/api/v1/sessions", { sessionId: "stubborn" });
  expect(reply.status).toBeLessThan(300);
  await world.waitStatus("stubborn", "connected");
  expect(world.sim.control.pendingPairings()).toEqual([]);
  const carol = world.sim.control.createAccount({ name: "Carol" });
  const job = await world.job("/api/v1/sessions/stubborn/messages/text", { to: carol.jid, text: "back" });
  expect(job.state).toBe("completed");
}, 40_000);
