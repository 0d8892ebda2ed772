import type { WorkerWorld } from "../../worker/support/worker-world.ts";

export interface Placements {
  workers: { workerId: string; status: string; maxSessions: number; sessions: string[] }[];
  pending: string[];
}

/** GET /api/v1/placements. */
export async function placements(world: WorkerWorld): Promise<Placements> {
  const reply = await world.api<Placements>("GET", "/api/v1/placements");
  if (reply.status !== 200) throw new Error(`placements: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
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

/** Waits until every job is completed or failed, and returns their records. */
export function settleAll(world: WorkerWorld, jobIds: string[], timeoutMs = 60_000): Promise<Record<string, unknown>[]> {
  return Promise.all(jobIds.map((id) => world.waitJob(id, timeoutMs)));
}
