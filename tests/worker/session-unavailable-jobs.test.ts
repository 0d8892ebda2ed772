import { afterAll, beforeAll, expect, test } from "bun:test";
import { WorkerWorld } from "./support/worker-world.ts";

/*
 * Issue 22.11: a session that is reconnecting is a reason for its jobs to wait, not to fail. WhatsApp is
 * unreachable for a while (the simulator's outage fault); texts accepted meanwhile wait, in order and
 * without spending attempts, and are delivered once the session is back. A wait has a bound
 * (--job-session-wait) after which the job fails, saying why.
 */
let world: WorkerWorld;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "session-unavailable", args: ["--reconnect-base-delay=200ms", "--reconnect-max-failures=1000", "--job-session-wait=15s"] });
});
afterAll(() => world?.stop());

const send = async (sessionId: string, to: string, text: string): Promise<string> => {
  const reply = await world.api<{ jobId: string }>("POST", `/api/v1/sessions/${sessionId}/messages/text`, { to, text });
  expect(reply.status).toBe(202);
  return reply.body.data.jobId;
};

test("texts accepted while WhatsApp is unreachable wait for the session and arrive in order once it is back", async () => {
  await world.link("outage");
  const carol = world.sim.control.createAccount({ name: "Carol" });
  world.sim.control.outage(6000);
  await world.waitStatus("outage", "reconnecting");
  const jobs: string[] = [];
  for (let i = 1; i <= 5; i++) jobs.push(await send("outage", carol.jid, `during the outage ${i}`));
  const done = await Promise.all(jobs.map((id) => world.waitJob(id, 40_000)));
  expect(done.map((j) => `${j.state} ${j.failedReason ?? ""}`.trim())).toEqual(["completed", "completed", "completed", "completed", "completed"]);
  // No attempt was spent on waiting.
  expect(done.map((j) => j.attemptsMade)).toEqual([1, 1, 1, 1, 1]);
  const texts: string[] = [];
  await world.until("every text on Carol's phone", () => {
    texts.splice(0, texts.length, ...world.sim.control.inbox(carol.phone).map((e) => e.message.conversation ?? e.message.extendedTextMessage?.text ?? ""));
    return texts.length >= 5 ? true : undefined;
  }, 20_000);
  expect(texts).toEqual([1, 2, 3, 4, 5].map((i) => `during the outage ${i}`));
}, 90_000);

test("past the bound, a job waiting for its session fails, saying it waited", async () => {
  await world.link("long-outage");
  const dave = world.sim.control.createAccount({ name: "Dave" });
  world.sim.control.outage(60_000);
  await world.waitStatus("long-outage", "reconnecting");
  const startedAt = Date.now();
  const job = await world.waitJob(await send("long-outage", dave.jid, "too late"), 40_000);
  expect(job.state).toBe("failed");
  expect(String(job.failedReason)).toMatch(/^SESSION_NOT_CONNECTED: .*waited/);
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(14_000);
  world.sim.control.outage(1);
}, 90_000);
