import { afterAll, beforeAll, expect, test } from "bun:test";
import { JobFailure } from "../../src/contracts/jobs/job-failure.ts";
import { startApiHarness, type ApiHarness } from "./support/api-harness.ts";
import contractJobs from "./fixtures/contract-b-jobs.json";
import { startIntake } from "./support/intake-harness.ts";
import { addFromAnotherProcess } from "./support/raw-producer.ts";
import { recordingExecutor } from "./support/recording-executor.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  h.addSession({ id: "user-123" });
});
afterAll(() => h.close());

interface Status {
  jobId: string;
  name: string;
  sessionId: string | null;
  state: string;
  attemptsMade: number;
  maxAttempts: number;
  result?: unknown;
  failedReason?: string;
  failureCode?: string | null;
  createdAt: string;
  processedAt: string | null;
  finishedAt: string | null;
  runAt?: string;
}

async function status(jobId: string): Promise<Status> {
  const res = await h.call("GET", `/api/v1/jobs/${jobId}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Status }).data;
}

test("a queued job is waiting, with its attempts and creation time", async () => {
  const res = await h.call("POST", "/api/v1/sessions/user-123/messages/text", { to: "6281234567890", text: "hi" });
  const { jobId } = ((await res.json()) as { data: { jobId: string } }).data;
  const s = await status(jobId);
  expect(s).toMatchObject({ jobId, name: "SEND_TEXT", sessionId: "user-123", state: "waiting", attemptsMade: 0, maxAttempts: 3, processedAt: null, finishedAt: null });
  expect(Date.parse(s.createdAt)).toBeGreaterThan(Date.now() - 10_000);
  await h.redis.flushall();
});

test("a delayed job says when it runs", async () => {
  const [id] = await addFromAnotherProcess(h.redisServer.socket, [{ name: "SEND_TEXT", data: contractJobs.SEND_TEXT.data, opts: { delay: 60_000, attempts: 3 } }]);
  const s = await status(id!);
  expect(s.state).toBe("delayed");
  expect(Date.parse(s.runAt ?? "")).toBeGreaterThan(Date.now() + 50_000);
  await h.redis.flushall();
});

test("completed jobs show the executor's result; failed ones the reason and its code; for jobs from any producer", async () => {
  const ids = await addFromAnotherProcess(h.redisServer.socket, [
    contractJobs.SEND_TEXT,
    { name: "SEND_TEXT", data: { ...contractJobs.SEND_TEXT.data, to: "budi" } },
    contractJobs.SEND_POLL,
    { name: "STOP_SESSION", data: { sessionId: "user-123" }, opts: { attempts: 2, backoff: { type: "fixed", delay: 10 } } },
  ]);
  const intake = startIntake(h.redisServer, recordingExecutor({
    SEND_POLL: () => {
      throw new JobFailure("NOT_ON_WHATSAPP", "1234567890@g.us is not reachable");
    },
    STOP_SESSION: () => {
      throw new Error("socket hang up");
    },
  }).executor);
  try {
    for (const id of ids) await intake.settled(id);
  } finally {
    await intake.close();
  }
  const [done, invalid, refused, crashed] = await Promise.all(ids.map(status));
  expect(done).toMatchObject({ state: "completed", name: "SEND_TEXT", sessionId: "user-123", attemptsMade: 1, maxAttempts: 3, result: { messageId: `MSG-${ids[0]}`, to: "6281234567890@s.whatsapp.net", timestamp: 1703839200 } });
  expect(Date.parse(done!.finishedAt ?? "")).toBeGreaterThan(Date.now() - 10_000);
  expect(invalid).toMatchObject({ state: "failed", attemptsMade: 1, maxAttempts: 3, failureCode: "INVALID_PAYLOAD", failedReason: expect.stringContaining("INVALID_PAYLOAD: data.to: must be a WhatsApp JID") });
  expect(refused).toMatchObject({ state: "failed", attemptsMade: 1, failureCode: "NOT_ON_WHATSAPP", failedReason: "NOT_ON_WHATSAPP: 1234567890@g.us is not reachable" });
  expect(crashed).toMatchObject({ state: "failed", attemptsMade: 2, maxAttempts: 2, failureCode: null, failedReason: "socket hang up" });
});
