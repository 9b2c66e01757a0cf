import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplicationCard } from '../../../channels/slack/backend.js';
import { ActionId } from '../../../channels/slack/ids.js';
import { isAppError } from '../../../lib/errors.js';
import {
  ADMIN_EMAIL,
  ADMIN_SLACK_ID,
  CHANNEL_MUM,
  type Harness,
  IYER,
  SHARMA,
  buttonsOf,
  hoursBefore,
  sampleCard,
  startHarness,
  textOf,
} from './harness.js';

const NUMBER = sampleCard().applicationNumber;
const DECIDE = [ActionId.approve, ActionId.deficiency, ActionId.reject, ActionId.details];

describe('the application message in the office channel', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.backend.addCard(sampleCard());
  });
  afterEach(async () => h.close());

  /** The message as the channel shows it now. */
  const shown = (ts: string) => {
    const m = h.fake.message(CHANNEL_MUM, ts);
    if (!m) throw new Error('message missing');
    return m;
  };

  it('follows the file through every state in one message, updated in place', async () => {
    const ref = await h.slack.postApplication(h.backend.card(NUMBER));
    expect(ref.channel).toBe(CHANNEL_MUM);
    expect(await h.backend.getMessageRef(NUMBER)).toEqual(ref);

    // submitted: key facts and the four buttons
    const posted = h.fake.callsTo('chat.postMessage')[0]?.args as { blocks: Record<string, unknown>[]; text: string };
    expect(posted.text).toBe('CoO MUMCOOAPPLY00000101AM26 from Konkan Sea Foods &amp; Exports Pvt Ltd: In-Process');
    expect(posted.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'CoO MUMCOOAPPLY00000101AM26', emoji: true } });
    expect(posted.blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Exporter*\nKonkan Sea Foods &amp; Exports Pvt Ltd\nIEC 0305012345' },
        { type: 'mrkdwn', text: '*Agreement*\nIndia Oman CEPA (Agency Issued)' },
        { type: 'mrkdwn', text: '*Office*\nEIA Mumbai\nExport Inspection Council' },
        { type: 'mrkdwn', text: '*Invoice*\nKSF/2026/0142 of 10 Mar 2026' },
        { type: 'mrkdwn', text: '*Value*\nOMR 4,812.50 (USD 12,500.00)' },
        { type: 'mrkdwn', text: '*Application*\nCOOAPPLY00000101AM26' },
        { type: 'mrkdwn', text: expect.stringMatching(/^\*Submitted\*\n<!date\^\d+\^\{date_short_pretty\} \{time\}\|12 Mar 2026, 09:30 IST>$/) },
      ],
    });
    expect(posted.blocks[3]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*Goods* (2 items)\n• HS 030617: Frozen shrimps (Litopenaeus vannamei), 1,200 KGS\n• HS 030743: Frozen squid rings, 800 KGS',
      },
    });
    expect(textOf(posted.blocks)).toContain(':paperclip: Commercial invoice (invoice-0142.pdf)');
    expect(buttonsOf(shown(ref.ts).blocks)).toEqual(DECIDE);

    const states: [string, () => ApplicationCard | Promise<ApplicationCard>, string[], string[]][] = [
      [
        'deficient',
        async () => {
          const r = await h.backend.raiseDeficiency(NUMBER, IYER, { remarks: 'Cost sheet missing for item 2.', documentsRequested: ['Cost sheet'] }, 'k1');
          if (!r.ok) throw new Error(r.message);
          return r.card;
        },
        ['*Deficient*: round 1 raised by Ravi Iyer', 'Cost sheet missing for item 2.', 'Documents asked for: Cost sheet', '↳ Waiting for the exporter'],
        [ActionId.details],
      ],
      [
        'responded',
        () => h.backend.respondToDeficiency(NUMBER, { kind: 'clarification', text: 'Cost sheet attached.' }),
        ['*In-Process*: the exporter answered deficiency round 1', '↳ Exporter answered with a clarification', 'Cost sheet attached.'],
        DECIDE,
      ],
      [
        'approved',
        async () => {
          const r = await h.backend.approve(NUMBER, SHARMA, 'k2');
          if (!r.ok) throw new Error(r.message);
          return r.card;
        },
        ['*Approved Pending Issuance*: approved by Anita Sharma', 'the certificate is being signed', '*Deficiency history*'],
        [ActionId.details],
      ],
      [
        'issued',
        () => h.backend.issue(NUMBER, 'EIC/IOCEPA/2026/000042'),
        ['*Approved*: certificate *EIC/IOCEPA/2026/000042* issued (approved by Anita Sharma)', '*Certificate* EIC/IOCEPA/2026/000042'],
        [ActionId.details],
      ],
    ];
    for (const [name, move, expected, buttons] of states) {
      const card = await move();
      const again = await h.slack.updateApplication(card);
      expect(again, name).toEqual(ref);
      const text = textOf(shown(ref.ts).blocks);
      for (const e of expected) expect(text, name).toContain(e);
      expect(buttonsOf(shown(ref.ts).blocks), name).toEqual(buttons);
    }
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.fake.callsTo('chat.update')).toHaveLength(4);
    expect(shown(ref.ts).previous).toHaveLength(4);
  });

  it('shows a rejection with its reason and no decision buttons', async () => {
    const ref = await h.slack.postApplication(h.backend.card(NUMBER));
    const r = await h.backend.reject(NUMBER, SHARMA, { reason: 'Goods only repacked in India <not originating>.' }, 'k');
    if (!r.ok) throw new Error(r.message);
    await h.slack.updateApplication(r.card);
    const m = shown(ref.ts);
    expect(m.text).toBe('CoO MUMCOOAPPLY00000101AM26 from Konkan Sea Foods &amp; Exports Pvt Ltd: Rejected');
    expect(textOf(m.blocks)).toContain('*Reason for rejection*\nGoods only repacked in India &lt;not originating&gt;.');
    expect(buttonsOf(m.blocks)).toEqual([ActionId.details]);
  });

  it('posting twice (a retried activity) updates the one message instead of posting a second', async () => {
    const first = await h.slack.postApplication(h.backend.card(NUMBER));
    const second = await h.slack.postApplication(h.backend.card(NUMBER));
    expect(second).toEqual(first);
    expect(h.fake.messagesIn(CHANNEL_MUM)).toHaveLength(1);
  });

  it('posts a fresh message when the old one was deleted, and remembers it', async () => {
    const first = await h.slack.postApplication(h.backend.card(NUMBER));
    h.fake.messages.delete(`${CHANNEL_MUM}:${first.ts}`);
    const second = await h.slack.updateApplication(h.backend.card(NUMBER));
    expect(second.ts).not.toBe(first.ts);
    expect(await h.backend.getMessageRef(NUMBER)).toEqual(second);
  });

  it('says which office has no channel instead of posting nowhere', async () => {
    const card = sampleCard({ applicationNumber: 'COOAPPLY00000777AM26', office: { code: 'EIC-KOL', name: 'EIA Kolkata' } });
    const error = await h.slack.postApplication(card).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('not_found');
    expect((error as Error).message).toBe(
      'No Slack channel is configured for office EIC-KOL (EIA Kolkata). Set one in the agency administration before sending its files to Slack.',
    );
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('stale reminder goes in the thread of the message; escalation goes to the administrator by e-mail lookup', async () => {
    const stale = sampleCard({ waitingSince: hoursBefore(26) });
    const ref = await h.slack.postApplication(stale);

    const reminder = await h.slack.sendStaleReminder(stale, 26 * 3_600_000);
    const reply = h.fake.message(CHANNEL_MUM, reminder.ts);
    expect(reply?.threadTs).toBe(ref.ts);
    expect(reply?.text).toBe(
      ':alarm_clock: *MUMCOOAPPLY00000101AM26* from Konkan Sea Foods &amp; Exports Pvt Ltd has waited *1 d 2 h* in In-Process. ' +
        'Officers of EIA Mumbai: please approve, raise a deficiency or reject.',
    );

    const escalation = await h.slack.sendEscalation(stale, { email: ADMIN_EMAIL });
    expect(h.fake.lastCall('users.lookupByEmail')?.args.email).toBe(ADMIN_EMAIL);
    expect(h.fake.lastCall('conversations.open')?.args.users).toBe(ADMIN_SLACK_ID);
    const dm = h.fake.message(escalation.channel, escalation.ts);
    expect(escalation.channel).toBe(`D${ADMIN_SLACK_ID.slice(1)}`);
    expect(dm?.text).toContain('*Escalation*: CoO file *MUMCOOAPPLY00000101AM26*');
    expect(dm?.text).toContain('has waited *1 d 2 h* in In-Process at EIA Mumbai');
    expect(dm?.text).toContain(`<https://fake.slack.test/archives/${CHANNEL_MUM}/p${ref.ts.replace('.', '')}|Open the application in the office channel>`);
    const note = h.fake.messagesIn(CHANNEL_MUM).filter((m) => m.threadTs === ref.ts).at(-1);
    expect(note?.text).toBe(`:rotating_light: Escalated to <@${ADMIN_SLACK_ID}>, the office administrator.`);
    // the application message itself is untouched by reminders
    expect(buttonsOf(shown(ref.ts).blocks)).toEqual(DECIDE);
  });

  it('an escalation to an unknown e-mail address fails with a clear error', async () => {
    await h.slack.postApplication(h.backend.card(NUMBER));
    const error = await h.slack.sendEscalation(h.backend.card(NUMBER), { email: 'nobody@eic.example' }).catch((e: unknown) => e);
    expect(isAppError(error) && error.message).toBe(
      'No member of the Slack workspace has the e-mail address nobody@eic.example; the escalation could not be delivered.',
    );
    expect(h.fake.callsTo('conversations.open')).toHaveLength(0);
  });

  it('an escalation by Slack user ID needs no lookup', async () => {
    await h.slack.postApplication(h.backend.card(NUMBER));
    await h.slack.sendEscalation(h.backend.card(NUMBER), { slackUserId: 'U0OTHERADMIN' });
    expect(h.fake.callsTo('users.lookupByEmail')).toHaveLength(0);
    expect(h.fake.lastCall('conversations.open')?.args.users).toBe('U0OTHERADMIN');
  });
});
