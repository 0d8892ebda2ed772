import { Elysia, t } from 'elysia';
import type { SimControl } from '../control-service.ts';
import * as S from '../control-schemas.ts';

const tags = ['simulator: groups'];

/** Groups as simulated people act on them: create, change participants, send. */
export const groupRoutes = (control: SimControl) =>
  new Elysia()
    .get('/groups', () => control.groups(), { response: t.Array(S.GroupBody), detail: { tags, summary: 'List groups' } })
    .post('/groups', ({ body }) => control.createGroup(body.creator, body.subject, body.members), {
      body: S.NewGroupBody,
      response: { 200: S.GroupBody, 404: S.ErrorBody },
      detail: { tags, summary: 'A simulated person creates a group' },
    })
    .post('/groups/:jid/participants', ({ params, body }) => control.updateGroupParticipants(body.actor, params.jid, body.action, body.phones), {
      body: S.ParticipantsBody,
      response: { 200: S.ParticipantResultsBody, 404: S.ErrorBody },
      detail: { tags, summary: 'A simulated member adds, removes, promotes or demotes participants' },
    })
    .post('/groups/:jid/messages/text', ({ params, body }) => control.sendGroupText(body.from, params.jid, body.text), {
      body: S.GroupTextBody,
      response: { 200: S.SendResultBody, 400: S.ErrorBody, 404: S.ErrorBody },
      detail: { tags, summary: 'A simulated member sends a text to the group' },
    })
    .post(
      '/groups/:jid/messages/reaction',
      ({ params, body }) => control.sendGroupReaction(body.from, params.jid, body.messageId, body.author, body.emoji),
      {
        body: S.GroupReactionBody,
        response: { 200: S.SendResultBody, 400: S.ErrorBody, 404: S.ErrorBody },
        detail: { tags, summary: "A simulated member reacts to a group message (author: the message's sender)" },
      },
    )
    .post(
      '/groups/:jid/messages/poll-vote',
      ({ params, body }) => control.sendGroupPollVote(body.from, params.jid, body.pollMessageId, body.creator, body.options),
      {
        body: S.GroupPollVoteBody,
        response: { 200: S.SendResultBody, 400: S.ErrorBody, 404: S.ErrorBody },
        detail: { tags, summary: 'A simulated member votes on a poll the linked number posted in the group' },
      },
    );
