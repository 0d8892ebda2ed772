import { Queue } from "bullmq";
import type { JobData, JobName } from "../../../src/contracts/jobs/index.ts";
import { CONTRACT_B_OPTIONS, CONTRACT_B_QUEUE } from "../../jobs/support/contract-b.ts";
import type { WorkerWorld } from "./worker-world.ts";

/** How a test puts a contract B job in the queue: our REST API, or someone else's plain BullMQ client. */
export type Via = "rest" | "bullmq";

export interface JobEnqueuer {
  readonly via: Via;
  /** Adds the job and returns its id. */
  add<N extends JobName>(name: N, data: JobData<N>): Promise<string>;
  close(): Promise<void>;
}

export function jobEnqueuer(world: WorkerWorld, via: Via): JobEnqueuer {
  return via === "rest" ? restEnqueuer(world) : bullmqEnqueuer(world);
}

/** The integrator's route for each job; the body is the payload minus what the path carries. */
function restRoute(name: JobName, data: Record<string, unknown>): { method: string; path: string; body?: unknown } {
  const { sessionId, ...body } = data as { sessionId: string } & Record<string, unknown>;
  const session = `/api/v1/sessions/${sessionId}`;
  switch (name) {
    case "START_SESSION":
      return { method: "POST", path: "/api/v1/sessions", body: data };
    case "STOP_SESSION":
      return { method: "POST", path: `${session}/stop` };
    case "DELETE_SESSION":
      return { method: "DELETE", path: session };
    case "SEND_TEXT":
    case "SEND_MEDIA":
    case "SEND_POLL":
    case "SEND_REACTION":
    case "SEND_REPLY":
      return { method: "POST", path: `${session}/messages/${name.slice("SEND_".length).toLowerCase()}`, body };
    case "GROUP_CREATE":
      return { method: "POST", path: `${session}/groups`, body };
    case "GROUP_UPDATE_PARTICIPANTS": {
      const { jid, ...rest } = body;
      return { method: "POST", path: `${session}/groups/${String(jid)}/participants`, body: rest };
    }
  }
}

function restEnqueuer(world: WorkerWorld): JobEnqueuer {
  return {
    via: "rest",
    async add(name, data) {
      const route = restRoute(name, data as Record<string, unknown>);
      const reply = await world.api<{ jobId: string }>(route.method, route.path, route.body);
      if (reply.status !== 202) throw new Error(`${route.method} ${route.path}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body.data.jobId;
    },
    close: async () => undefined,
  };
}

/** A producer that knows nothing of the gateway: contract B's queue name and options, typed in by hand. */
function bullmqEnqueuer(world: WorkerWorld): JobEnqueuer {
  const queue = new Queue(CONTRACT_B_QUEUE, { connection: { path: world.redis.socket } });
  return {
    via: "bullmq",
    async add(name, data) {
      const job = await queue.add(name, data, CONTRACT_B_OPTIONS);
      return String(job.id);
    },
    close: () => queue.close(),
  };
}
