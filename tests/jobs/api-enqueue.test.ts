import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CONTRACT_EXAMPLES, JOB_NAMES, type JobName } from "../../src/contracts/jobs/index.ts";
import { startApiHarness, type ApiHarness } from "./support/api-harness.ts";
import { CONTRACT_B_OPTIONS } from "./support/contract-b.ts";
import contractJobs from "./fixtures/contract-b-jobs.json";
import { readJob } from "./support/read-job.ts";

let h: ApiHarness;
beforeAll(async () => {
  // example.com stands for any public host: there is no DNS here.
  h = await startApiHarness({ media: { resolve: async () => ["93.184.215.14"] } });
});
afterAll(() => h.close());

const S = "/api/v1/sessions/user-123";
const without = <T extends object>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** The API call that produces each job, with the body taken from contract B's example. */
function requestFor(name: JobName): [method: string, path: string, body?: unknown] {
  const body = without(CONTRACT_EXAMPLES[name], "sessionId");
  switch (name) {
    case "START_SESSION":
      return ["POST", "/api/v1/sessions", CONTRACT_EXAMPLES.START_SESSION];
    case "STOP_SESSION":
      return ["POST", `${S}/stop`];
    case "DELETE_SESSION":
      return ["DELETE", S];
    case "SEND_TEXT":
      return ["POST", `${S}/messages/text`, body];
    case "SEND_MEDIA":
      return ["POST", `${S}/messages/media`, body];
    case "SEND_POLL":
      return ["POST", `${S}/messages/poll`, body];
    case "SEND_REACTION":
      return ["POST", `${S}/messages/reaction`, body];
    case "SEND_REPLY":
      return ["POST", `${S}/messages/reply`, body];
    case "GROUP_CREATE":
      return ["POST", `${S}/groups`, body];
    case "GROUP_UPDATE_PARTICIPANTS":
      return ["POST", `${S}/groups/1234567890@g.us/participants`, without(body, "jid")];
  }
}

describe("each job type enqueued through the API lands in Redis exactly as contract B shows it", () => {
  // DELETE last: afterwards the session is gone.
  const order = [...JOB_NAMES.filter((n) => n !== "DELETE_SESSION"), "DELETE_SESSION" as const];
  for (const name of order) {
    test(name, async () => {
      const [method, path, body] = requestFor(name);
      const res = await h.call(method, path, body);
      const reply = (await res.json()) as { success: boolean; data: { jobId: string; jobName: string; sessionId: string; statusUrl: string } };
      expect(res.status).toBe(202);
      expect(reply.success).toBe(true);
      expect(reply.data).toMatchObject({ jobName: name, sessionId: "user-123", statusUrl: `/api/v1/jobs/${reply.data.jobId}` });
      expect(res.headers.get("location")).toBe(reply.data.statusUrl);

      const job = await readJob(h.redis, reply.data.jobId);
      expect(job?.name).toBe(name);
      expect(job?.data).toEqual((contractJobs as Record<string, { name: string; data: unknown }>)[name]!.data);
      // Exactly contract B's options; the only addition is our own job id.
      expect(without(job?.opts ?? {}, "jobId")).toEqual(CONTRACT_B_OPTIONS);
    });
  }
});
