import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../helpers/slack-fake.js';

/** The fake must behave like Slack where the bot depends on it, or the other tests prove nothing. */
describe('the fake Slack Web API', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start({ botToken: 'xoxb-right' });
  });
  afterAll(async () => fake.close());

  const call = async (method: string, body: string, contentType: string, token = 'xoxb-right') => {
    const res = await fetch(`${fake.url}${method}`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body });
    return (await res.json()) as Record<string, unknown>;
  };
  const json = (method: string, args: object, token?: string) => call(method, JSON.stringify(args), 'application/json; charset=utf-8', token);
  const form = (method: string, args: Record<string, string>) => call(method, new URLSearchParams(args).toString(), 'application/x-www-form-urlencoded');

  it('answers JSON and form-encoded calls alike, decoding JSON-valued form fields', async () => {
    const a = await json('chat.postMessage', { channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
    const b = await form('chat.postMessage', { channel: 'C1', text: 'hi', blocks: JSON.stringify([{ type: 'divider' }]) });
    expect(a).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(b).toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.callsTo('chat.postMessage').map((c) => c.args.blocks)).toEqual([[{ type: 'divider' }], [{ type: 'divider' }]]);
    expect(a.ts).not.toBe(b.ts);
  });

  it('refuses wrong or missing tokens', async () => {
    expect(await json('auth.test', {}, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
    const res = await fetch(`${fake.url}auth.test`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('refuses Block Kit beyond Slack\'s limits, like Slack', async () => {
    const answer = await json('chat.postMessage', { channel: 'C1', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] });
    expect(answer).toEqual({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: { messages: ['[ERROR] must be less than 151 characters [/blocks/0/text/text]'] },
    });
    const modal = await json('views.open', { trigger_id: 't-1', view: { type: 'modal', title: { type: 'plain_text', text: 'A title longer than 24 chars' }, blocks: [] } });
    expect(modal).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('updates messages in place, keeps their history, and knows deleted ones are gone', async () => {
    const posted = await json('chat.postMessage', { channel: 'C2', text: 'v1' });
    await json('chat.update', { channel: 'C2', ts: posted.ts, text: 'v2' });
    expect(fake.message('C2', String(posted.ts))).toMatchObject({ text: 'v2', previous: [{ text: 'v1' }] });
    expect(await json('chat.update', { channel: 'C2', ts: '1.000000', text: 'x' })).toEqual({ ok: false, error: 'message_not_found' });
  });

  it('accepts a trigger_id once, as Slack does', async () => {
    const view = { type: 'modal', title: { type: 'plain_text', text: 'Title' }, blocks: [] };
    expect(await json('views.open', { trigger_id: 't-2', view })).toMatchObject({ ok: true, view: { id: expect.stringMatching(/^V/) } });
    expect(await json('views.open', { trigger_id: 't-2', view })).toEqual({ ok: false, error: 'expired_trigger_id' });
  });

  it('can be told to fail the next call of a method', async () => {
    fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    expect(await json('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'x' })).toEqual({ ok: false, error: 'user_not_in_channel' });
    expect(await json('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'x' })).toMatchObject({ ok: true });
  });
});
