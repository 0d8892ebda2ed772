import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { JobFailure } from "../../src/contracts/jobs/job-failure.ts";
import { startTestRedis, type TestRedis } from "../support/redis-server.ts";
import { CONTRACT_B_OPTIONS } from "./support/contract-b.ts";
import contractJobs from "./fixtures/contract-b-jobs.json";
import { startIntake, type IntakeHarness } from "./support/intake-harness.ts";
import { addFromAnotherProcess, type RawJob } from "./support/raw-producer.ts";
import { readJob } from "./support/read-job.ts";
import { recordingExecutor } from "./support/recording-executor.ts";
import { Redis } from "ioredis";
import { redisOptions } from "../../src/platform/redis/redis-connection.ts";

let redisServer: TestRedis;
let redis: Redis;
let intake: IntakeHarness | undefined;
beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = new Redis({ ...redisOptions(redisServer.url), lazyConnect: false });
});
afterEach(async () => {
  await intake?.close();
  intake = undefined;
  await redis.flushall();
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop();
});

const CONTRACT_JOBS = Object.values(contractJobs) as RawJob[];

describe("jobs added by a plain BullMQ client in another process", () => {
  test("each of the ten lands in Redis as contract B shows it, and the intake hands each to the executor unchanged", async () => {
    const ids = await addFromAnotherProcess(redisServer.socket, CONTRACT_JOBS);
    for (const [i, raw] of CONTRACT_JOBS.entries()) {
      const stored = await readJob(redis, ids[i]!);
      expect(stored).toEqual({ name: raw.name, data: raw.data, opts: expect.anything() });
      expect(stored?.opts).toEqual(CONTRACT_B_OPTIONS);
    }

    const { executor, executions } = recordingExecutor();
    intake = startIntake(redisServer, executor);
    for (const id of ids) expect((await intake.settled(id)).state).toBe("completed");
    expect(executions.map((e): string => e.name).sort()).toEqual(CONTRACT_JOBS.map((j) => j.name).sort());
    for (const raw of CONTRACT_JOBS) expect(executions.find((e) => e.name === raw.name)?.data).toEqual(raw.data);
  });

  test("an unknown name or an invalid payload fails at once, for good, naming the field; the jobs around it still run", async () => {
    const text = contractJobs.SEND_TEXT.data;
    const invalid: [RawJob, string][] = [
      [{ name: "SEND_FAX", data: text }, 'UNKNOWN_JOB: "SEND_FAX" is not a job name'],
      [{ name: "SEND_TEXT", data: { ...text, text: undefined } }, "INVALID_PAYLOAD: data.text:"],
      [{ name: "SEND_TEXT", data: { ...text, to: "budi" } }, "INVALID_PAYLOAD: data.to: must be a WhatsApp JID"],
      [{ name: "SEND_TEXT", data: { ...text, mentions: ["628987654321@s.whatsapp.net", "1234567890@g.us"] } }, "INVALID_PAYLOAD: data.mentions.1: must be a user JID"],
      [{ name: "SEND_POLL", data: { ...contractJobs.SEND_POLL.data, selectableCount: 4 } }, "INVALID_PAYLOAD: data.selectableCount: must be at most the number of options (3)"],
      [{ name: "GROUP_UPDATE_PARTICIPANTS", data: { ...contractJobs.GROUP_UPDATE_PARTICIPANTS.data, action: "ban" } }, "INVALID_PAYLOAD: data.action: must be one of add, remove, promote, demote"],
      [{ name: "SEND_MEDIA", data: { ...contractJobs.SEND_MEDIA.data, media: "http://127.0.0.1/x.jpg" } }, "MEDIA_URL_FORBIDDEN: data.media:"],
      [{ name: "START_SESSION", data: "user-123" }, "INVALID_PAYLOAD: data: Expected object"],
    ];
    const valid: RawJob = contractJobs.SEND_TEXT;
    const ids = await addFromAnotherProcess(redisServer.socket, [...invalid.map(([j]) => j), valid]);

    const { executor, executions } = recordingExecutor();
    intake = startIntake(redisServer, executor);
    for (const [i, [, reason]] of invalid.entries()) {
      const { state, job } = await intake.settled(ids[i]!);
      expect(state).toBe("failed");
      expect(job?.failedReason).toStartWith(reason);
      // attempts: 3 was asked for; the intake used one.
      expect(job?.attemptsMade).toBe(1);
    }
    expect((await intake.settled(ids.at(-1)!)).state).toBe("completed");
    expect(executions.map((e) => e.name)).toEqual(["SEND_TEXT"]);
  });

  test("a bare or +-prefixed phone number becomes a JID, and unknown fields are dropped, before the executor sees the job", async () => {
    const [id] = await addFromAnotherProcess(redisServer.socket, [
      { name: "SEND_TEXT", data: { sessionId: "user-123", to: "+6281234567890", text: "hi", mentions: ["628987654321"], trackingId: "t-1" } },
    ]);
    const { executor, executions } = recordingExecutor();
    intake = startIntake(redisServer, executor);
    expect((await intake.settled(id!)).state).toBe("completed");
    expect(executions[0]?.data).toEqual({ sessionId: "user-123", to: "6281234567890@s.whatsapp.net", text: "hi", mentions: ["628987654321@s.whatsapp.net"] });
  });
});

describe("the executor's outcome", () => {
  test("the result is kept after contract B's removeOnComplete drops the job", async () => {
    const [id] = await addFromAnotherProcess(redisServer.socket, [contractJobs.SEND_TEXT]);
    intake = startIntake(redisServer, recordingExecutor().executor);
    expect((await intake.settled(id!)).state).toBe("completed");
    expect(await readJob(redis, id!)).toBeUndefined();
    expect(await intake.results.get(id!)).toMatchObject({ name: "SEND_TEXT", sessionId: "user-123", attemptsMade: 1, maxAttempts: 3, result: { messageId: `MSG-${id}`, to: "6281234567890@s.whatsapp.net" } });
  });

  test("a permanent JobFailure skips the remaining attempts; a retryable one uses them all", async () => {
    const fast = { attempts: 3, backoff: { type: "fixed", delay: 10 }, removeOnComplete: true, removeOnFail: false };
    const ids = await addFromAnotherProcess(redisServer.socket, [
      { name: "SEND_TEXT", data: contractJobs.SEND_TEXT.data, opts: fast },
      { name: "SEND_POLL", data: contractJobs.SEND_POLL.data, opts: fast },
    ]);
    const { executor, executions } = recordingExecutor({
      SEND_TEXT: () => {
        throw new JobFailure("NOT_ON_WHATSAPP", "6281234567890 has no WhatsApp account");
      },
      SEND_POLL: () => {
        throw new JobFailure("SESSION_NOT_CONNECTED", "session user-123 is not connected");
      },
    });
    intake = startIntake(redisServer, executor);
    const text = await intake.settled(ids[0]!);
    const poll = await intake.settled(ids[1]!);
    expect([text.state, text.job?.attemptsMade, text.job?.failedReason]).toEqual(["failed", 1, "NOT_ON_WHATSAPP: 6281234567890 has no WhatsApp account"]);
    expect([poll.state, poll.job?.attemptsMade, poll.job?.failedReason]).toEqual(["failed", 3, "SESSION_NOT_CONNECTED: session user-123 is not connected"]);
    expect(executions.filter((e) => e.name === "SEND_POLL").map((e) => e.ctx.attempt)).toEqual([1, 2, 3]);
  });
});

describe("per-session rate limit", () => {
  test("over the cap, messages wait as delayed jobs and go out spaced evenly; none is dropped; other sessions are not slowed", async () => {
    const perMinute = 600; // one every 100 ms
    const text = (sessionId: string, n: number): RawJob => ({ name: "SEND_TEXT", data: { sessionId, to: "6281234567890@s.whatsapp.net", text: `m${n}` } });
    const ids = await addFromAnotherProcess(redisServer.socket, [text("a", 1), text("a", 2), text("a", 3), text("a", 4), text("b", 1)]);
    const { executor, executions } = recordingExecutor();
    intake = startIntake(redisServer, executor, { perMinute });
    let sawDelayed = false;
    for (let i = 0; i < 100 && !sawDelayed; i++) {
      sawDelayed = (await intake.queue.getDelayedCount()) > 0;
      if (!sawDelayed) await Bun.sleep(5);
    }
    expect(sawDelayed).toBe(true);
    for (const id of ids) expect((await intake.settled(id)).state).toBe("completed");
    const times = executions.filter((e) => (e.data as { sessionId: string }).sessionId === "a").map((e) => e.at).sort((x, y) => x - y);
    expect(times).toHaveLength(4);
    // Slots are 100 ms apart; the executor is called a few ms after its slot, give or take scheduling.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(70);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(280);
    const b = executions.find((e) => (e.data as { sessionId: string }).sessionId === "b")!;
    expect(b.at - times[0]!).toBeLessThan(90);
  });
});
