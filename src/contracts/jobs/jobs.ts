import type { Static } from "@sinclair/typebox";
import * as P from "./payloads.ts";
import { GroupCreateResult, GroupParticipantsResult, MessageResult, SessionResult } from "./results.ts";

/** Contract B's ten jobs: the payload schema of each, by job name. */
export const JOB_PAYLOADS = {
  START_SESSION: P.StartSessionPayload,
  STOP_SESSION: P.StopSessionPayload,
  DELETE_SESSION: P.DeleteSessionPayload,
  SEND_TEXT: P.SendTextPayload,
  SEND_MEDIA: P.SendMediaPayload,
  SEND_POLL: P.SendPollPayload,
  SEND_REACTION: P.SendReactionPayload,
  SEND_REPLY: P.SendReplyPayload,
  GROUP_CREATE: P.GroupCreatePayload,
  GROUP_UPDATE_PARTICIPANTS: P.GroupUpdateParticipantsPayload,
} as const;

/** The result schema of each job. */
export const JOB_RESULTS = {
  START_SESSION: SessionResult,
  STOP_SESSION: SessionResult,
  DELETE_SESSION: SessionResult,
  SEND_TEXT: MessageResult,
  SEND_MEDIA: MessageResult,
  SEND_POLL: MessageResult,
  SEND_REACTION: MessageResult,
  SEND_REPLY: MessageResult,
  GROUP_CREATE: GroupCreateResult,
  GROUP_UPDATE_PARTICIPANTS: GroupParticipantsResult,
} as const satisfies Record<keyof typeof JOB_PAYLOADS, unknown>;

export type JobName = keyof typeof JOB_PAYLOADS;
export const JOB_NAMES = [
  "START_SESSION",
  "STOP_SESSION",
  "DELETE_SESSION",
  "SEND_TEXT",
  "SEND_MEDIA",
  "SEND_POLL",
  "SEND_REACTION",
  "SEND_REPLY",
  "GROUP_CREATE",
  "GROUP_UPDATE_PARTICIPANTS",
] as const satisfies readonly JobName[];

export type JobDataMap = { [N in JobName]: Static<(typeof JOB_PAYLOADS)[N]> };
export type JobData<N extends JobName> = JobDataMap[N];
export type JobResult<N extends JobName> = Static<(typeof JOB_RESULTS)[N]>;

/** A job whose data matched its schema: name and data correlated, for exhaustive switches. */
export type ContractJob = { [N in JobName]: { name: N; data: JobData<N> } }[JobName];

/** The jobs that send a message to someone: the ones a per-session rate limit counts. */
export const MESSAGE_JOBS: ReadonlySet<JobName> = new Set(["SEND_TEXT", "SEND_MEDIA", "SEND_POLL", "SEND_REACTION", "SEND_REPLY"]);

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_PAYLOADS, name);
}
