import { describe, expect, it } from 'vitest';
import { slackPayloadProblem } from '../../../channels/slack/receiver-errors.js';
import { appHomeOpenedEvent, blockActionsPayload, eventCallbackBody, slashCommandFields, viewSubmissionPayload } from '../../helpers/slack-sign.js';

describe('slackPayloadProblem: a verified body Bolt cannot route', () => {
  it('finds nothing wrong with what Slack sends', () => {
    expect(slackPayloadProblem(eventCallbackBody('T1', appHomeOpenedEvent('U1')))).toBeUndefined();
    expect(slackPayloadProblem(eventCallbackBody('T1', { type: 'member_joined_channel', user: 'U1', channel: 'C1' }))).toBeUndefined();
    expect(slackPayloadProblem(blockActionsPayload({ teamId: 'T1', userId: 'U1', actionId: 'coo_approve', value: 'X', channel: 'C1', messageTs: '1.2' }))).toBeUndefined();
    expect(slackPayloadProblem(viewSubmissionPayload({ teamId: 'T1', userId: 'U1', callbackId: 'coo_reject', viewId: 'V1', privateMetadata: '', values: {} }))).toBeUndefined();
    expect(slackPayloadProblem(slashCommandFields({ teamId: 'T1', userId: 'U1', command: '/coo', text: 'queue' }))).toBeUndefined();
    // org-wide installs send team: null
    expect(slackPayloadProblem({ ...blockActionsPayload({ teamId: 'T1', userId: 'U1', actionId: 'a', value: 'v' }), team: null })).toBeUndefined();
    expect(slackPayloadProblem({ type: 'url_verification', challenge: 'x' })).toBeUndefined();
  });

  it('names what Bolt would trip over', () => {
    expect(slackPayloadProblem(null)).toBe('the body is null, not a JSON object');
    expect(slackPayloadProblem([])).toBe('the body is a list, not a JSON object');
    expect(slackPayloadProblem(42)).toBe('the body is a number, not a JSON object');
    expect(slackPayloadProblem({ type: 'event_callback', event: null })).toBe('event is not an object');
    expect(slackPayloadProblem({ type: 'event_callback', event: { type: 'app_home_opened', user: null } })).toBe('event.user is neither a user id nor an object');
    expect(slackPayloadProblem({ type: 'event_callback', event: { type: 'x', channel: null } })).toBe('event.channel is neither a channel id nor an object');
    expect(slackPayloadProblem({ type: 'block_actions', actions: [] })).toBe('a block_actions payload needs a user object');
    expect(slackPayloadProblem({ type: 'block_actions', user: { id: 'U1' }, actions: {} })).toBe('actions is not a list');
    expect(slackPayloadProblem({ type: 'view_submission', user: { id: 'U1' }, view: null })).toBe('a view_submission payload needs a view object');
    expect(slackPayloadProblem({ type: 'shortcut', user: 'U1' })).toBe('user is not an object');
  });
});
