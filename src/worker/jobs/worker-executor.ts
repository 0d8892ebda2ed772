import type { GroupCreateResult, GroupParticipantsResult, JobData, JobName, MessageResult, SessionResult } from "../../contracts/jobs/index.ts";
import type { JobContext, JobExecutor } from "../../job-consumer/executor.ts";
import { JobFailure } from "../../contracts/jobs/job-failure.ts";
import type { JobFailureCode } from "../../contracts/jobs/index.ts";
import { DriverError, type OutgoingMedia, type WhatsAppSession } from "../../whatsapp/driver.ts";
import type { Reporter } from "../reporting/reporter.ts";
import type { SessionHost } from "../sessions/session-host.ts";

/** Turns a SEND_MEDIA job's `media` (URL or base64) into bytes; failures are JobFailures with media codes. */
type MediaLoader = (media: string) => Promise<{ data: Uint8Array; mimetype?: string; fileName?: string }>;

const DRIVER_FAILURES: Record<DriverError["code"], JobFailureCode> = {
  NOT_CONNECTED: "SESSION_NOT_CONNECTED",
  NOT_ON_WHATSAPP: "NOT_ON_WHATSAPP",
  RESTRICTED: "ACCOUNT_RESTRICTED",
  RECIPIENT_TOKEN_REQUIRED: "RECIPIENT_TOKEN_REQUIRED",
  GROUP_NOT_FOUND: "GROUP_NOT_FOUND",
  NOT_GROUP_ADMIN: "NOT_GROUP_ADMIN",
  WHATSAPP_ERROR: "WHATSAPP_ERROR",
};

type SendJob = "SEND_TEXT" | "SEND_MEDIA" | "SEND_POLL" | "SEND_REACTION" | "SEND_REPLY";

/**
 * contract B's ten jobs, run against this worker's sessions. Each runs after
 * the earlier jobs of its session (SessionHost.serialize). Sends report
 * `message_sent`, or `message_failed` once the job has no attempts left.
 */
export function createWorkerExecutor(host: SessionHost, reporter: Reporter, loadMedia: MediaLoader): JobExecutor {
  const inOrder =
    <N extends JobName, R>(run: (data: JobData<N>, ctx: JobContext) => Promise<R>) =>
    (data: JobData<N>, ctx: JobContext): Promise<R> =>
      host.serialize(data.sessionId, () => run(data, ctx));

  const send =
    <N extends SendJob>(run: (socket: WhatsAppSession, data: JobData<N>) => Promise<MessageResult>) =>
    inOrder<N, MessageResult>(async (data, ctx) => {
      try {
        const socket = await host.socket(data.sessionId);
        const sent = await run(socket, data).catch(driverFailure);
        host.messageCount++;
        reporter.messageSent(data.sessionId, sent, ctx.jobId);
        return sent;
      } catch (err) {
        const permanent = err instanceof JobFailure && err.permanent;
        if (permanent || ctx.attempt >= ctx.maxAttempts) reporter.messageFailed(data.sessionId, { jobId: ctx.jobId, to: data.to, error: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    });

  return {
    START_SESSION: inOrder<"START_SESSION", SessionResult>(async (data) => ({ sessionId: data.sessionId, status: await host.start(data.sessionId, data.phoneNumber?.replace(/^\+/, "")) })),
    STOP_SESSION: inOrder<"STOP_SESSION", SessionResult>(async (data) => ({ sessionId: data.sessionId, status: await host.stop(data.sessionId) })),
    DELETE_SESSION: inOrder<"DELETE_SESSION", SessionResult>(async (data) => ({ sessionId: data.sessionId, ...(await host.delete(data.sessionId)) })),
    SEND_TEXT: send<"SEND_TEXT">((socket, d) => socket.sendText(d.to, d.text, d.mentions)),
    SEND_MEDIA: send<"SEND_MEDIA">(async (socket, d) => {
      const file = await loadMedia(d.media);
      const media: OutgoingMedia = {
        type: d.type,
        data: file.data,
        ...((d.mimetype ?? file.mimetype) && { mimetype: d.mimetype ?? file.mimetype }),
        ...(d.caption !== undefined && { caption: d.caption }),
        ...((d.fileName ?? file.fileName) && { fileName: d.fileName ?? file.fileName }),
        ...(d.ptt !== undefined && { ptt: d.ptt }),
      };
      return socket.sendMedia(d.to, media);
    }),
    SEND_POLL: send<"SEND_POLL">((socket, d) => socket.sendPoll(d.to, { name: d.name, options: d.options, selectableCount: d.selectableCount })),
    SEND_REACTION: send<"SEND_REACTION">((socket, d) => socket.sendReaction(d.to, d.key, d.emoji)),
    SEND_REPLY: send<"SEND_REPLY">((socket, d) => socket.sendReply(d.to, d.text, { key: d.quoted.key, ...(d.quoted.message && { message: d.quoted.message }) })),
    GROUP_CREATE: inOrder<"GROUP_CREATE", GroupCreateResult>(async (d) => (await host.socket(d.sessionId)).createGroup(d.subject, d.participants).catch(driverFailure)),
    GROUP_UPDATE_PARTICIPANTS: inOrder<"GROUP_UPDATE_PARTICIPANTS", GroupParticipantsResult>(async (d) => (await host.socket(d.sessionId)).updateParticipants(d.jid, d.action, d.participants).catch(driverFailure)),
  };
}

function driverFailure(err: unknown): never {
  if (err instanceof DriverError) throw new JobFailure(DRIVER_FAILURES[err.code], err.message);
  throw err;
}
