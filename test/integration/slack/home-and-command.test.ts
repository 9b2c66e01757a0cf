import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../../channels/slack/ids.js';
import { appHomeOpenedEvent, eventCallback, slashCommand } from '../../helpers/slack-sign.js';
import { CHANNEL_MUM, type Harness, SHARMA, SLACK_USER, TEAM, buttonsOf, hoursBefore, sampleCard, startHarness, textOf } from './harness.js';

describe('App Home: the officer\'s pending queue', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.backend.addCard(sampleCard({ applicationNumber: 'COOAPPLY00000103AM26', fileNumber: 'MUMCOOAPPLY00000103AM26', waitingSince: hoursBefore(3) }));
    h.backend.addCard(sampleCard({ applicationNumber: 'COOAPPLY00000101AM26', fileNumber: 'MUMCOOAPPLY00000101AM26', waitingSince: hoursBefore(50) }));
    h.backend.addCard(sampleCard({ applicationNumber: 'COOAPPLY00000102AM26', fileNumber: 'MUMCOOAPPLY00000102AM26', waitingSince: new Date(Date.parse(hoursBefore(0)) - 20 * 60_000).toISOString() }));
    h.backend.addCard(sampleCard({ applicationNumber: 'COOAPPLY00000104AM26', fileNumber: 'MUMCOOAPPLY00000104AM26', status: 'Deficient' }));
    h.backend.addCard(sampleCard({ applicationNumber: 'COOAPPLY00000201AM26', fileNumber: 'CHNCOOAPPLY00000201AM26', office: { code: 'EIC-CHN', name: 'EIA Chennai' } }));
  });
  afterEach(async () => h.close());

  it('lists the office\'s In-Process files oldest first, with their ages', async () => {
    const res = await h.send(eventCallback(TEAM, appHomeOpenedEvent(SLACK_USER.sharma)));
    expect(res.status).toBe(200);
    const publish = h.fake.lastCall('views.publish');
    expect(publish?.args.user_id).toBe(SLACK_USER.sharma);
    const view = h.fake.homeViews.get(SLACK_USER.sharma) as { type: string; blocks: { type: string; text?: { text: string }; accessory?: { value: string } }[] };
    expect(view.type).toBe('home');
    expect(view.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Pending queue: EIA Mumbai', emoji: true } });
    expect(view.blocks[1]?.text?.text).toBe('Hello Anita Sharma. *3* files wait for a decision, oldest first.');
    const items = view.blocks.filter((b) => b.type === 'section' && b.accessory);
    expect(items.map((b) => b.accessory?.value)).toEqual(['COOAPPLY00000101AM26', 'COOAPPLY00000103AM26', 'COOAPPLY00000102AM26']);
    expect(items.map((b) => b.text?.text.split('\n').at(-1))).toEqual([
      ':hourglass_flowing_sand: waiting 2 d 2 h',
      ':hourglass_flowing_sand: waiting 3 h',
      ':hourglass_flowing_sand: waiting 20 min',
    ]);
    expect(buttonsOf(view.blocks)).toEqual([ActionId.details, ActionId.details, ActionId.details]);
  });

  it('tells an unmapped user how to link their account', async () => {
    await h.send(eventCallback(TEAM, appHomeOpenedEvent(SLACK_USER.stranger)));
    const view = h.fake.homeViews.get(SLACK_USER.stranger);
    expect(textOf(view)).toContain('not linked to an officer');
    expect(textOf(view)).toContain('`/coo link <code>`');
    expect(buttonsOf(view)).toEqual([]);
  });

  it('a redelivered app_home_opened event simply republishes the same view', async () => {
    const event = eventCallback(TEAM, appHomeOpenedEvent(SLACK_USER.sharma), 'Ev0SAME');
    await h.send(event);
    await h.send(event, { retryNum: 1 });
    const publishes = h.fake.callsTo('views.publish');
    expect(publishes).toHaveLength(2);
    expect(publishes[1]?.args.view).toEqual(publishes[0]?.args.view);
  });

  it('Details from the Home tab opens the card (no channel: refusals would go by direct message)', async () => {
    await h.click({ userId: SLACK_USER.stranger, actionId: ActionId.details, value: 'COOAPPLY00000101AM26' });
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(h.fake.lastCall('chat.postMessage')?.args).toMatchObject({ channel: SLACK_USER.stranger, text: expect.stringContaining('not linked') });

    await h.click({ userId: SLACK_USER.sharma, actionId: ActionId.details, value: 'COOAPPLY00000101AM26' });
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
  });
});

describe('the /coo slash command', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.backend.addCard(sampleCard());
  });
  afterEach(async () => h.close());

  const run = (userId: string, text: string) => h.send(slashCommand({ teamId: TEAM, userId, command: '/coo', text, channel: CHANNEL_MUM }));

  it('looks an application up by file number or application number, ephemeral, without decision buttons', async () => {
    for (const number of ['MUMCOOAPPLY00000101AM26', 'cooapply00000101am26']) {
      const res = await run(SLACK_USER.sharma, `  ${number} `);
      expect(res.status).toBe(200);
      const body = res.json as { response_type: string; text: string; blocks: unknown[] };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toBe('CoO MUMCOOAPPLY00000101AM26 from Konkan Sea Foods &amp; Exports Pvt Ltd: In-Process');
      expect(textOf(body.blocks)).toContain('*Agreement*\nIndia Oman CEPA (Agency Issued)');
      expect(buttonsOf(body.blocks)).toEqual([ActionId.details]);
    }
    expect(h.fake.calls.filter((c) => c.method.startsWith('chat.'))).toHaveLength(0);
  });

  it('answers clearly for unknown numbers, malformed input, other offices and unlinked users', async () => {
    expect(((await run(SLACK_USER.sharma, 'MUMCOOAPPLY99999999AM26')).json as { text: string }).text).toBe(
      'No application or file numbered MUMCOOAPPLY99999999AM26 was found.',
    );
    expect(((await run(SLACK_USER.sharma, 'what is pending?')).json as { text: string }).text).toBe(
      'Give one application or file number, for example `/coo HQRCCOAPPLY00000019AM25`.',
    );
    expect(((await run(SLACK_USER.sharma, '<script>')).json as { text: string }).text).toContain('is not an application or file number');
    expect(((await run(SLACK_USER.nair, 'MUMCOOAPPLY00000101AM26')).json as { text: string }).text).toContain('Only officers of EIA Mumbai');
    expect(((await run(SLACK_USER.stranger, 'MUMCOOAPPLY00000101AM26')).json as { text: string }).text).toContain('not linked to an officer');
    expect(((await run(SLACK_USER.sharma, '')).json as { text: string }).text).toContain('`/coo link <code>`');
  });

  it('lists the queue on /coo queue', async () => {
    const body = (await run(SLACK_USER.sharma, 'queue')).json as { text: string; blocks: unknown[] };
    expect(body.text).toBe('1 waiting, oldest first');
    expect(textOf(body.blocks)).toContain('waiting 5 h');
  });

  it('links a Slack user with a one-time code from the administrator; the user can then act', async () => {
    const newcomer = 'U0NEWCOMER';
    const code = h.backend.issueLinkCode(SHARMA.officerId);

    const wrong = (await run(newcomer, 'link ZZZZ9999')).json as { text: string };
    expect(wrong.text).toBe(':x: This code is unknown or was already used.');

    const ok = (await run(newcomer, `link ${code.toLowerCase()}`)).json as { text: string };
    expect(ok.text).toBe(':white_check_mark: Linked. You act as *Anita Sharma* of office EIC-MUM.');
    expect(await h.backend.officerForSlackUser(TEAM, newcomer)).toEqual(SHARMA);
    expect(h.fake.homeViews.get(newcomer)).toBeDefined();

    const reused = (await run(SLACK_USER.stranger, `link ${code}`)).json as { text: string };
    expect(reused.text).toBe(':x: This code is unknown or was already used.');

    const ts = (await h.slack.postApplication(h.backend.card(sampleCard().applicationNumber))).ts;
    await h.click({ userId: newcomer, actionId: ActionId.approve, value: sampleCard().applicationNumber, channel: CHANNEL_MUM, messageTs: ts });
    expect(h.backend.decisions).toEqual([expect.objectContaining({ kind: 'approve', officerId: SHARMA.officerId })]);
  });

  it('refuses a code issued for another Slack user, and stops after repeated wrong codes', async () => {
    const code = h.backend.issueLinkCode(SHARMA.officerId, { slackUserId: 'U0INTENDED' });
    expect(((await run(SLACK_USER.stranger, `link ${code}`)).json as { text: string }).text).toBe(
      ':x: This code was issued for another Slack user.',
    );
    for (let i = 0; i < 4; i++) await run(SLACK_USER.stranger, 'link AAAA0000');
    const locked = (await run(SLACK_USER.stranger, `link ${h.backend.issueLinkCode(SHARMA.officerId)}`)).json as { text: string };
    expect(locked.text).toBe(':x: Too many wrong codes. Ask your agency administrator for a new code.');
    expect(await h.backend.officerForSlackUser(TEAM, SLACK_USER.stranger)).toBeNull();
  });

  it('explains the link syntax when the code is missing', async () => {
    expect(((await run(SLACK_USER.stranger, 'link')).json as { text: string }).text).toBe(
      'Type `/coo link` followed by the code your agency administrator gave you.',
    );
  });
});
