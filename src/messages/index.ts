import { Elysia } from "elysia";
import { requires } from "../http/auth.ts";
import { TAKES_MEDIA } from "../http/body-limit.ts";
import { ENQUEUE_RESPONSES, enqueueHandler } from "../job-producer/enqueue-handler.ts";
import { bodyWithoutSessionId, jsonBody } from "../job-producer/http-body.ts";
import { IdempotencyHeaders } from "../job-producer/model.ts";
import type { JobSubmitter } from "../job-producer/submitter.ts";
import { SessionParams } from "../sessions/model.ts";
import type { SessionService } from "../sessions/service.ts";

/**
 * Send text, media, poll, reaction and reply: one route each, whose body is the
 * contract B payload minus `sessionId` (in the path).
 */
export function messageRoutes(opts: { sessions: SessionService; submitter: JobSubmitter }) {
  const requireSession = (id: string) => opts.sessions.requireExisting(id);
  const send = (name: Parameters<typeof bodyWithoutSessionId>[0]) => enqueueHandler(opts.submitter, name, requireSession);
  const route = (summary: string, description?: string, bodyLimit?: typeof TAKES_MEDIA) => ({ params: SessionParams, headers: IdempotencyHeaders, response: ENQUEUE_RESPONSES, detail: { summary, description, ...bodyLimit } });

  return new Elysia({ prefix: "/api/v1/sessions/:sessionId/messages", detail: { tags: ["Messages"], ...requires("integrator", "messages:send") } })
    .post("/text", send("SEND_TEXT"), { ...jsonBody(bodyWithoutSessionId("SEND_TEXT")), ...route("Send a text message (SEND_TEXT)", "Mentioned users must also appear as @<number> in the text.") })
    .post("/media", send("SEND_MEDIA"), {
      ...jsonBody(bodyWithoutSessionId("SEND_MEDIA")),
      ...route(
        "Send an image, video, audio, document or sticker (SEND_MEDIA)",
        "media is an http(s) URL (public hosts only, unless ALLOW_PRIVATE_MEDIA_URLS) or base64 (plain or a data: URL, at most MAX_MEDIA_SIZE decoded; 413 beyond). The only message route whose body may reach MAX_BODY_SIZE.",
        TAKES_MEDIA,
      ),
    })
    .post("/poll", send("SEND_POLL"), { ...jsonBody(bodyWithoutSessionId("SEND_POLL")), ...route("Send a poll (SEND_POLL)", "selectableCount: how many options a voter may pick; 0 = multiple choice.") })
    .post("/reaction", send("SEND_REACTION"), { ...jsonBody(bodyWithoutSessionId("SEND_REACTION")), ...route("React to a message (SEND_REACTION)", 'An empty emoji ("") removes the reaction.') })
    .post("/reply", send("SEND_REPLY"), { ...jsonBody(bodyWithoutSessionId("SEND_REPLY")), ...route("Reply to (quote) a message (SEND_REPLY)") });
}
