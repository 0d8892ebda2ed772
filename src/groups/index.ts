import { Type } from "@sinclair/typebox";
import { Elysia, t } from "elysia";
import { requires } from "../http/auth.ts";
import { CONTRACT_EXAMPLES, GroupJid, GroupUpdateParticipantsPayload, SessionId } from "../contracts/jobs/index.ts";
import { ENQUEUE_RESPONSES, enqueueHandler } from "../job-producer/enqueue-handler.ts";
import { bodyWithoutSessionId, jsonBody } from "../job-producer/http-body.ts";
import { IdempotencyHeaders } from "../job-producer/model.ts";
import type { JobSubmitter } from "../job-producer/submitter.ts";
import { SessionParams } from "../sessions/model.ts";
import type { SessionService } from "../sessions/service.ts";

const { sessionId: _s, jid: _j, ...participantsExample } = CONTRACT_EXAMPLES.GROUP_UPDATE_PARTICIPANTS;

/** GROUP_UPDATE_PARTICIPANTS' payload minus the ids the path carries. */
const ParticipantsBody = Type.Omit(GroupUpdateParticipantsPayload, ["sessionId", "jid"], { examples: [participantsExample] });

/** Groups: create one; add, remove, promote or demote participants. */
export function groupRoutes(opts: { sessions: SessionService; submitter: JobSubmitter }) {
  const requireSession = (id: string) => opts.sessions.requireExisting(id);
  return new Elysia({ prefix: "/api/v1/sessions/:sessionId/groups", detail: { tags: ["Groups"], ...requires("integrator", "messages:send") } })
    .post("", enqueueHandler(opts.submitter, "GROUP_CREATE", requireSession), {
      params: SessionParams,
      ...jsonBody(bodyWithoutSessionId("GROUP_CREATE")),
      headers: IdempotencyHeaders,
      response: ENQUEUE_RESPONSES,
      detail: { summary: "Create a group (GROUP_CREATE)", description: "The job's result carries the new group's JID and each participant's outcome." },
    })
    .post("/:groupJid/participants", enqueueHandler(opts.submitter, "GROUP_UPDATE_PARTICIPANTS", requireSession, { jid: "groupJid" }), {
      params: t.Object({ sessionId: SessionId, groupJid: GroupJid }),
      ...jsonBody(ParticipantsBody),
      headers: IdempotencyHeaders,
      response: ENQUEUE_RESPONSES,
      detail: {
        summary: "Add, remove, promote or demote participants (GROUP_UPDATE_PARTICIPANTS)",
        description: "The group's JID (…@g.us) is in the path. The job's result lists WhatsApp's answer per participant (e.g. 403: their privacy settings require an invite).",
      },
    });
}
