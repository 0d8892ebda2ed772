import { afterAll, beforeAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createHash } from "node:crypto";
import type { GroupCreateResult, GroupParticipantsResult, JobData, JobName, MessageResult, SessionResult } from "../../../src/contracts/jobs/index.ts";
import { redisOptions } from "../../../src/platform/redis/redis-connection.ts";
import type { AccountView } from "../../../src/simulator/control/control-views.ts";
import { jobEnqueuer, type JobEnqueuer, type Via } from "./job-enqueuer.ts";
import { serveFiles, type FileServer } from "./file-server.ts";
import { WorkerWorld } from "./worker-world.ts";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** One SEND_MEDIA sample per kind: what is sent, and what the recipient's phone must see. */
const MEDIA_KINDS = [
  { label: "image", type: "image", mimetype: "image/jpeg", kind: "image", caption: "an image" },
  { label: "video", type: "video", mimetype: "video/mp4", kind: "video", caption: "a video" },
  { label: "audio", type: "audio", mimetype: "audio/mpeg", kind: "audio", ptt: false },
  { label: "voice-note", type: "audio", mimetype: "audio/ogg; codecs=opus", kind: "ptt", ptt: true },
  { label: "document", type: "document", mimetype: "application/pdf", kind: "document", fileName: "invoice.pdf" },
  { label: "sticker", type: "sticker", mimetype: "image/webp", kind: "sticker" },
] as const;

/**
 * Every contract B job, end to end: enqueued `via` the REST API or a plain
 * BullMQ client, run by a spawned gateway (role all) against the simulator,
 * and checked where it lands: the recipient's phone, the simulator's groups,
 * Redis, the coordinator's ledger, and the job's own record.
 */
export function jobSuite(via: Via): void {
  let world: WorkerWorld;
  let jobs: JobEnqueuer;
  let files: FileServer;
  let redis: Redis;
  let biz: AccountView;
  const people: Record<"carol" | "dave" | "erin", AccountView> = {} as Record<"carol" | "dave" | "erin", AccountView>;

  beforeAll(async () => {
    world = await WorkerWorld.start({ seed: `worker-jobs-${via}`, args: ["--allow-private-media-urls"] });
    jobs = jobEnqueuer(world, via);
    files = serveFiles();
    redis = new Redis(redisOptions(world.redis.url));
    biz = world.sim.control.createAccount({ name: "Shop" });
    for (const name of ["carol", "dave", "erin"] as const) people[name] = world.sim.control.createAccount({ name });
  });
  afterAll(async () => {
    await jobs?.close();
    redis?.disconnect();
    await files?.stop();
    await world?.stop();
  });

  /** Enqueues a job and waits for its record (completed or failed). */
  const run = async <N extends JobName>(name: N, data: JobData<N>) => world.waitJob(await jobs.add(name, data));
  /** Enqueues a job, expects it to complete, and returns its result. */
  async function done<R>(name: JobName, data: JobData<typeof name>): Promise<R> {
    const job = await run(name, data);
    expect({ state: job.state, failedReason: job.failedReason }).toEqual({ state: "completed", failedReason: undefined });
    return job.result as R;
  }
  const send = <N extends "SEND_TEXT" | "SEND_MEDIA" | "SEND_POLL" | "SEND_REACTION" | "SEND_REPLY">(name: N, data: JobData<N>) => done<MessageResult>(name, data);
  /** The message a sent job's result names, as the recipient's phone decrypted it. */
  const received = (phone: string, result: MessageResult) => world.sim.control.waitForInbox(phone, (e) => e.id === result.messageId);
  const authKeys = (sessionId: string) => redis.keys(`wag:auth:{${sessionId}}:*`);

  test(`START_SESSION (${via}): a QR to scan; scanned, the session connects`, async () => {
    expect(await done<SessionResult>("START_SESSION", { sessionId: "shop" })).toEqual({ sessionId: "shop", status: "qr_required" });
    await world.scan("shop", biz.phone);
    expect(await world.session("shop")).toMatchObject({ status: "connected", phoneNumber: biz.phone });
  });

  test(`SEND_TEXT (${via}): the text and mention arrive; the result is the message id`, async () => {
    const { carol, dave } = people;
    const result = await send("SEND_TEXT", { sessionId: "shop", to: carol.phone, text: `hi @${dave.phone}`, mentions: [dave.jid] });
    // (Bun's toMatchObject writes asymmetric matchers into the object it checks, so compare plain values.)
    expect({ to: result.to, messageId: typeof result.messageId, timestamp: Number.isInteger(result.timestamp) }).toEqual({ to: carol.jid, messageId: "string", timestamp: true });
    const got = await received(carol.phone, result);
    expect(got.message.extendedTextMessage?.text).toBe(`hi @${dave.phone}`);
    expect(got.message.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([dave.jid]);
  });

  test(`SEND_MEDIA (${via}): every kind, from base64 and from a URL, arrives with its mimetype and exact bytes`, async () => {
    const { carol } = people;
    const samples = MEDIA_KINDS.flatMap((k) =>
      (["base64", "url"] as const).map((source) => {
        const bytes = Buffer.from(`${via}:${source}:${k.label}:`.repeat(400));
        const fileName = "fileName" in k ? (source === "url" ? `from-url-${k.fileName}` : k.fileName) : undefined;
        const media = source === "base64" ? bytes.toString("base64") : files.add(`/media/${fileName ?? `${k.label}.bin`}`, bytes, k.mimetype);
        // From a URL, the mimetype comes from Content-Type and a document's name from the URL's path.
        const data: JobData<"SEND_MEDIA"> = {
          sessionId: "shop",
          to: carol.jid,
          type: k.type,
          media,
          ...(source === "base64" && { mimetype: k.mimetype }),
          ...(source === "base64" && fileName !== undefined && { fileName }),
          ...("caption" in k && { caption: k.caption }),
          ...("ptt" in k && { ptt: k.ptt }),
        };
        return { ...k, source, bytes, fileName, data };
      }),
    );
    const results = await Promise.all(samples.map((s) => send("SEND_MEDIA", s.data)));
    for (const [i, s] of samples.entries()) {
      const result = results[i] as MessageResult;
      const entry = await received(carol.phone, result);
      const media = world.sim.control.downloadMedia(carol.phone, result.messageId);
      const what = `${s.label} from ${s.source}`;
      expect({ what, kind: media.kind, mimetype: media.mimetype, sha256: sha256(media.data) }).toEqual({ what, kind: s.kind, mimetype: s.mimetype, sha256: sha256(s.bytes) });
      const content = Object.values(entry.message).find((v): v is Record<string, unknown> => typeof v === "object" && v !== null && "mimetype" in v);
      if ("caption" in s) expect(content?.caption).toBe(s.caption);
      if ("ptt" in s) expect(content?.ptt).toBe(s.ptt);
      if (s.fileName !== undefined) expect(content?.fileName).toBe(s.fileName);
    }
  });

  test(`SEND_POLL (${via}): the options arrive, and a vote comes back decrypted as poll.vote`, async () => {
    const { carol } = people;
    const options = ["Senin", "Selasa", "Rabu"];
    const result = await send("SEND_POLL", { sessionId: "shop", to: carol.jid, name: "Kapan kita meeting?", options, selectableCount: 1 });
    const { message } = await received(carol.phone, result);
    const poll = message.pollCreationMessageV3 ?? message.pollCreationMessageV2 ?? message.pollCreationMessage;
    expect(poll?.name).toBe("Kapan kita meeting?");
    expect(poll?.options?.map((o) => o.optionName)).toEqual(options);
    expect(poll?.selectableOptionsCount).toBe(1);

    await world.sim.control.sendPollVote(carol.phone, biz.phone, result.messageId, ["Selasa"]);
    const vote = await world.until("the poll.vote event", () => world.events("shop", "poll.vote").find((v) => v.pollMessageId === result.messageId));
    expect(vote).toMatchObject({ chatJid: carol.jid, voter: carol.jid, selectedOptions: ["Selasa"] });
  });

  test(`SEND_REACTION and SEND_REPLY (${via}): a reaction, its removal with "", and a reply quoting the message`, async () => {
    const { carol } = people;
    const question = "Meeting hari Senin jam 10?";
    const incoming = await world.sim.control.sendText(carol.phone, biz.phone, question);
    const key = { remoteJid: carol.jid, fromMe: false, id: incoming.id };

    const like = await send("SEND_REACTION", { sessionId: "shop", to: carol.jid, key, emoji: "👍" });
    expect((await received(carol.phone, like)).message.reactionMessage).toMatchObject({ text: "👍", key: { id: incoming.id } });
    const unlike = await send("SEND_REACTION", { sessionId: "shop", to: carol.jid, key, emoji: "" });
    expect((await received(carol.phone, unlike)).message.reactionMessage).toMatchObject({ text: "", key: { id: incoming.id } });

    const reply = await send("SEND_REPLY", { sessionId: "shop", to: carol.jid, text: "Saya setuju dengan ini.", quoted: { key, message: { conversation: question } } });
    const text = (await received(carol.phone, reply)).message.extendedTextMessage;
    expect(text?.text).toBe("Saya setuju dengan ini.");
    expect(text?.contextInfo).toMatchObject({ stanzaId: incoming.id, participant: carol.jid, quotedMessage: { conversation: question } });
  });

  test(`GROUP_CREATE and GROUP_UPDATE_PARTICIPANTS (${via}): the simulator's group follows create, add, promote, demote, remove`, async () => {
    const { carol, dave, erin } = people;
    const created = await done<GroupCreateResult>("GROUP_CREATE", { sessionId: "shop", subject: "Tim Developer", participants: [carol.jid, dave.phone] });
    expect(created).toMatchObject({ subject: "Tim Developer", participants: [{ jid: carol.jid, status: "200" }, { jid: dave.jid, status: "200" }] });
    const members = () => {
      const group = world.sim.control.groups().find((g) => g.jid === created.groupJid);
      return Object.fromEntries((group?.members ?? []).map((m) => [m.phone, m.role]));
    };
    expect(members()).toEqual({ [biz.phone]: "superadmin", [carol.phone]: null, [dave.phone]: null });

    const update = async (action: "add" | "remove" | "promote" | "demote", who: AccountView) => {
      const result = await done<GroupParticipantsResult>("GROUP_UPDATE_PARTICIPANTS", { sessionId: "shop", jid: created.groupJid, action, participants: [who.jid] });
      expect(result).toEqual({ groupJid: created.groupJid, action, participants: [{ jid: who.jid, status: "200" }] });
      return members();
    };
    expect(await update("add", erin)).toEqual({ [biz.phone]: "superadmin", [carol.phone]: null, [dave.phone]: null, [erin.phone]: null });
    expect((await update("promote", erin))[erin.phone]).toBe("admin");
    expect((await update("demote", erin))[erin.phone]).toBeNull();
    expect(await update("remove", dave)).toEqual({ [biz.phone]: "superadmin", [carol.phone]: null, [erin.phone]: null });
  });

  test(`failures (${via}): a number not on WhatsApp fails for good at the first attempt`, async () => {
    const job = await run("SEND_TEXT", { sessionId: "shop", to: "6200000000001", text: "anyone there?" });
    expect(job).toMatchObject({ state: "failed", attemptsMade: 1, failureCode: "NOT_ON_WHATSAPP" });
  });

  test(`failures (${via}): a restricted account fails for good with ACCOUNT_RESTRICTED, reported as message_failed`, async () => {
    world.sim.control.setRestricted(biz.phone, true);
    try {
      const jobId = await jobs.add("SEND_TEXT", { sessionId: "shop", to: people.carol.jid, text: "promo!" });
      const job = await world.waitJob(jobId);
      expect(job).toMatchObject({ state: "failed", attemptsMade: 1, failureCode: "ACCOUNT_RESTRICTED" });
      const failed = await world.until("message_failed", () => world.events("shop", "message_failed").find((e) => e.jobId === jobId));
      expect(failed).toMatchObject({ status: "failed", to: people.carol.jid });
      expect(String(failed.error)).toStartWith("ACCOUNT_RESTRICTED: ");
    } finally {
      world.sim.control.setRestricted(biz.phone, false);
    }
  });

  test(`failures (${via}): a contact that requires a privacy token the session lacks fails for good with RECIPIENT_TOKEN_REQUIRED (463, not retried)`, async () => {
    const stranger = world.sim.control.createAccount({ name: "Stranger", requiresToken: true });
    const jobId = await jobs.add("SEND_TEXT", { sessionId: "shop", to: stranger.jid, text: "special offer" });
    const job = await world.waitJob(jobId);
    expect(job).toMatchObject({ state: "failed", attemptsMade: 1, failureCode: "RECIPIENT_TOKEN_REQUIRED" });
    const failed = await world.until("message_failed", () => world.events("shop", "message_failed").find((e) => e.jobId === jobId));
    expect(String(failed.error)).toStartWith("RECIPIENT_TOKEN_REQUIRED: ");
    expect(world.sim.control.inbox(stranger.phone)).toHaveLength(0);
  });

  test(`STOP_SESSION, START_SESSION, DELETE_SESSION (${via}): stop keeps auth and a send fails SESSION_NOT_CONNECTED after its retries; start resumes without a QR; delete erases auth`, async () => {
    const desk = world.sim.control.createAccount({ name: "Desk" });
    await done("START_SESSION", { sessionId: "desk" });
    await world.scan("desk", desk.phone);
    const qrsWhenLinked = world.events("desk", "qr_ready").length;

    expect(await done<SessionResult>("STOP_SESSION", { sessionId: "desk" })).toEqual({ sessionId: "desk", status: "stopped" });
    await world.waitStatus("desk", "stopped");
    expect(await authKeys("desk")).toContain("wag:auth:{desk}:creds");

    const refused = await run("SEND_TEXT", { sessionId: "desk", to: people.carol.jid, text: "anyone home?" });
    expect(refused).toMatchObject({ state: "failed", attemptsMade: 3, maxAttempts: 3, failureCode: "SESSION_NOT_CONNECTED" });

    expect(await done<SessionResult>("START_SESSION", { sessionId: "desk" })).toEqual({ sessionId: "desk", status: "connected" });
    expect(await world.session("desk")).toMatchObject({ status: "connected", phoneNumber: desk.phone });
    expect(world.events("desk", "qr_ready")).toHaveLength(qrsWhenLinked);
    const hello = await send("SEND_TEXT", { sessionId: "desk", to: people.carol.jid, text: "back again" });
    expect((await received(people.carol.phone, hello)).message.extendedTextMessage?.text).toBe("back again");

    expect(await done<SessionResult>("DELETE_SESSION", { sessionId: "desk" })).toEqual({ sessionId: "desk", status: "deleted" });
    expect(await authKeys("desk")).toEqual([]);
    await world.until("the session_deleted event", () => world.events("desk", "session_deleted")[0]);
    const db = world.db();
    const row = db.query<{ status: string }, []>("SELECT status FROM sessions WHERE id = 'desk'").get();
    db.close();
    expect(row?.status).toBe("deleted");
    expect((await world.api("GET", "/api/v1/sessions/desk")).status).toBe(404);
    expect(world.sim.control.getAccount(desk.phone).devices).toEqual([]);
  });

  test(`the simulator saw no handler errors (${via})`, () => {
    expect(world.sim.control.errors()).toEqual([]);
  });
}
