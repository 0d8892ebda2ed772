import { afterEach, expect, test } from "bun:test";
import { registration, startTestRegistry, type TestRegistry } from "./support.ts";

let r: TestRegistry;
afterEach(() => r.close());

// A second subscriber used to replace the first without a word: cluster control and anything added later must both hear.
test("every worker observer and every session watcher hears each change, until it unsubscribes", async () => {
  r = startTestRegistry();
  const workers: string[][] = [[], []];
  const sessions: string[][] = [[], []];
  const stopWorkers = workers.map((seen) => r.registry.workers.observe((w) => seen.push(w.id)));
  const stopSessions = sessions.map((seen) => r.registry.watchSessions((sessionId, _workerId, status) => seen.push(`${sessionId}:${status}`)));

  await r.call("POST", "/api/v1/workers/register", { body: registration("w1") });
  const status = () => r.call("POST", "/api/v1/webhooks/session-status", { body: { event: "qr_ready", sessionId: "s1", workerId: "w1", data: { qrString: "2@abc" } } });
  expect((await status()).status).toBe(200);
  expect(workers).toEqual([["w1"], ["w1"]]);
  expect(sessions).toEqual([["s1:qr_required"], ["s1:qr_required"]]);

  stopWorkers[0]!();
  stopSessions[0]!();
  await r.call("POST", "/api/v1/workers/register", { body: registration("w2") });
  await status();
  expect(workers).toEqual([["w1"], ["w1", "w2"]]);
  expect(sessions).toEqual([["s1:qr_required"], ["s1:qr_required", "s1:qr_required"]]);
});
