import { Elysia } from 'elysia';
import { TAKES_MEDIA } from '../../../http/body-limit.ts';
import type { SimControl } from '../control-service.ts';
import * as S from '../control-schemas.ts';

const tags = ['simulator: messages'];
const responses = { 200: S.SendResultBody, 400: S.ErrorBody, 404: S.ErrorBody };

/** What a simulated person sends to a linked number: text, reaction, poll vote, media. */
export const messageRoutes = (control: SimControl) =>
  new Elysia()
    .post('/accounts/:phone/messages/text', ({ params, body }) => control.sendText(params.phone, body.to, body.text), {
      body: S.TextBody,
      response: responses,
      detail: { tags, summary: "Send a text from this account's phone to a linked number" },
    })
    .post(
      '/accounts/:phone/messages/reaction',
      ({ params, body }) => control.sendReaction(params.phone, body.to, body.messageId, body.emoji, body.fromMe ?? true),
      { body: S.ReactionBody, response: responses, detail: { tags, summary: 'React to a message in the chat with a linked number' } },
    )
    .post('/accounts/:phone/messages/poll-vote', ({ params, body }) => control.sendPollVote(params.phone, body.to, body.pollMessageId, body.options), {
      body: S.PollVoteBody,
      response: responses,
      detail: { tags, summary: "Vote on a poll the linked number sent to this account's phone" },
    })
    .post(
      '/accounts/:phone/messages/media',
      ({ params, body }) =>
        control.sendMedia(params.phone, body.to, {
          kind: body.kind,
          data: Buffer.from(body.dataBase64, 'base64'),
          mimetype: body.mimetype,
          caption: body.caption,
          fileName: body.fileName,
        }),
      { body: S.MediaBody, response: responses, detail: { tags, summary: 'Send encrypted media (image, video, audio, ptt, document, sticker)', ...TAKES_MEDIA } },
    );
