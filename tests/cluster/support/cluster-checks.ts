import type { WorkerWorld } from "../../worker/support/worker-world.ts";

export interface Placements {
  workers: { workerId: string; status: string; maxSessions: number; sessions: string[] }[];
  pending: string[];
}

/** One row of `GET /api/v1/placements/history`. */
export interface PlacementEntry {
  sessionId: string;
  from: string | null;
  to: string | null;
  reason: string;
  at: string;
}

/** GET /api/v1/placements. */
export async function placements(world: WorkerWorld): Promise<Placements> {
  const reply = await world.api<Placements>("GET", "/api/v1/placements");
  if (reply.status !== 200) throw new Error(`placements: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

/** The worker a session is placed on, per the map. */
export function ownerOf(map: Placements, sessionId: string): string | undefined {
  return map.workers.find((w) => w.sessions.includes(sessionId))?.workerId;
}

/** Worker id → how many sessions are placed on it. */
export function loads(map: Placements): Record<string, number> {
  return Object.fromEntries(map.workers.map((w) => [w.workerId, w.sessions.length]));
}

/** GET /api/v1/placements/history, newest first (of one session if given). */
export async function history(world: WorkerWorld, sessionId?: string): Promise<PlacementEntry[]> {
  const reply = await world.api<PlacementEntry[]>("GET", `/api/v1/placements/history?limit=1000${sessionId ? `&sessionId=${sessionId}` : ""}`);
  if (reply.status !== 200) throw new Error(`placement history: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

/** How many times the coordinator took a worker for gone (worker_offline events in its ledger). */
export function workerOfflineEvents(world: WorkerWorld): number {
  const db = world.db();
  try {
    return db.query<{ n: number }, []>("SELECT count(*) AS n FROM event_ledger WHERE event = 'worker_offline'").get()?.n ?? 0;
  } finally {
    db.close();
  }
}

/** Waits until a worker acknowledged every command sent to it (it does so with its next heartbeat). */
export function waitCommandsTaken(world: WorkerWorld, workerId: string): Promise<true> {
  return world.until(`${workerId} to acknowledge its commands`, async () =>
    (await world.api<{ pendingCommands: unknown[] }>("GET", `/api/v1/workers/${workerId}`)).body.data.pendingCommands.length === 0 ? true : undefined,
  );
}

/** Waits until exactly `ids` are the ONLINE workers. */
export function waitOnline(world: WorkerWorld, ids: string[], timeoutMs?: number): Promise<true> {
  const want = [...ids].sort().join(",");
  return world.until(
    `exactly ${want} ONLINE`,
    async () => ((await world.workersView()).filter((w) => w.status === "ONLINE").map((w) => w.workerId).sort().join(",") === want ? true : undefined),
    timeoutMs,
  );
}

/** Waits until every session is connected, reported by the worker it is placed on; returns the placement map. */
export function waitConnectedWherePlaced(world: WorkerWorld, sessionIds: string[], timeoutMs?: number): Promise<Placements> {
  return world.until(
    `${sessionIds.join(", ")} connected where placed`,
    async () => {
      const map = await placements(world);
      for (const id of sessionIds) {
        const s = await world.session(id);
        if (s.status !== "connected" || s.workerId !== ownerOf(map, id)) return undefined;
      }
      return map;
    },
    timeoutMs,
  );
}

/**
 * Devices linked to a simulated number other than its phone: 1 while the
 * gateway's session logs in again from its stored credentials; a QR scanned
 * anew would have linked a second one.
 */
export function linkedDevices(world: WorkerWorld, phone: string): number {
  return world.sim.control.getAccount(phone).devices.filter((d) => d.id !== 0).length;
}

/**
 * Watches, from the simulator's side, how long a number's linked device is
 * without a live connection: `stop()` returns the longest gap seen (ms).
 */
export function watchDowntime(world: WorkerWorld, phone: string, everyMs = 10): { stop(): number } {
  let longest = 0;
  let downSince: number | undefined;
  const sample = () => {
    const online = world.sim.control.getAccount(phone).devices.some((d) => d.id !== 0 && d.online);
    const now = performance.now();
    if (online && downSince !== undefined) {
      longest = Math.max(longest, now - downSince);
      downSince = undefined;
    } else if (!online && downSince === undefined) downSince = now;
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return downSince === undefined ? longest : Math.max(longest, performance.now() - downSince);
    },
  };
}

/**
 * Submits `perSession` SEND_TEXT jobs to each session through the API, one
 * round every `gapMs`, and returns the job ids in submission order. The API
 * stays up while workers die, so every submission must be accepted.
 */
export async function sendMany(world: WorkerWorld, sessions: string[], to: string, perSession: number, gapMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < perSession; n++) {
    const replies = await Promise.all(sessions.map((s) => world.api<{ jobId: string }>("POST", `/api/v1/sessions/${s}/messages/text`, { to, text: `${s} #${n}` })));
    for (const r of replies) {
      if (r.status !== 202) throw new Error(`send refused: ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.data.jobId);
    }
    await Bun.sleep(gapMs);
  }
  return ids;
}

/**
 * Every job reached an end (completed or failed, none missing), and every
 * completed send reached `phone`. Returns how many completed and failed.
 */
export async function accountFor(world: WorkerWorld, jobIds: string[], phone: string): Promise<{ completed: number; failed: number }> {
  const outcomes = await Promise.all(jobIds.map((id) => world.waitJob(id, 60_000)));
  const completed = outcomes.filter((o) => o.state === "completed");
  const failed = outcomes.filter((o) => o.state === "failed").length;
  if (outcomes.length !== jobIds.length || completed.length + failed !== jobIds.length) throw new Error(`jobs missing: ${jobIds.length} submitted, ${completed.length} completed, ${failed} failed`);
  await Promise.all(completed.map((o) => world.sim.control.waitForInbox(phone, (e) => e.id === (o.result as { messageId: string }).messageId, 10_000)));
  return { completed: completed.length, failed };
}
