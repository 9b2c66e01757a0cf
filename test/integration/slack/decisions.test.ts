import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId, CallbackId, InputActionId, InputBlockId } from '../../../channels/slack/ids.js';
import { actionTs, checkboxValues, textValue, viewSubmission } from '../../helpers/slack-sign.js';
import {
  CHANNEL_MUM,
  type Harness,
  IYER,
  SHARMA,
  SLACK_USER,
  TEAM,
  buttonsOf,
  sampleCard,
  startHarness,
  textOf,
} from './harness.js';

const NUMBER = sampleCard().applicationNumber;
/** what officers read: the file number */
const FILE = sampleCard().fileNumber!;

describe('officer decisions from Slack', () => {
  let h: Harness;
  let messageTs: string;

  beforeEach(async () => {
    h = await startHarness();
    h.backend.addCard(sampleCard());
    messageTs = (await h.slack.postApplication(sampleCard())).ts;
    h.fake.clearCalls();
  });
  afterEach(async () => h.close());

  const current = () => h.fake.message(CHANNEL_MUM, messageTs);
  const at = { channel: CHANNEL_MUM } as const;

  it('an Approve click by a mapped officer of the office records one approval and updates the message in place', async () => {
    const res = await h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs });
    expect(res.status).toBe(200);

    expect(h.backend.decisions).toEqual([expect.objectContaining({ kind: 'approve', applicationNumber: NUMBER, officerId: SHARMA.officerId })]);
    expect(h.backend.card(NUMBER).status).toBe('Approved Pending Issuance');

    const updates = h.fake.callsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ channel: CHANNEL_MUM, ts: messageTs });
    expect(h.fake.messagesIn(CHANNEL_MUM)).toHaveLength(1);
    const text = textOf(current()?.blocks);
    expect(text).toContain('*Approved Pending Issuance*: approved by Anita Sharma');
    expect(buttonsOf(current()?.blocks)).toEqual([ActionId.details]);
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('refuses an unmapped Slack user with an ephemeral message and changes nothing', async () => {
    const before = structuredClone(current());
    await h.click({ userId: SLACK_USER.stranger, actionId: ActionId.approve, value: NUMBER, ...at, messageTs });

    expect(h.backend.decisions).toHaveLength(0);
    expect(h.backend.card(NUMBER).status).toBe('In-Process');
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    expect(current()).toEqual(before);
    const ephemerals = h.fake.callsTo('chat.postEphemeral');
    expect(ephemerals).toHaveLength(1);
    expect(ephemerals[0]?.args).toMatchObject({ channel: CHANNEL_MUM, user: SLACK_USER.stranger });
    expect(ephemerals[0]?.args.text).toMatch(/not linked to an officer.*nothing was changed.*\/coo link <code>/s);
  });

  it('falls back to a direct message when the ephemeral cannot be shown (user not in the channel)', async () => {
    h.fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    await h.click({ userId: SLACK_USER.stranger, actionId: ActionId.approve, value: NUMBER, ...at, messageTs });
    expect(h.fake.lastCall('chat.postMessage')?.args).toMatchObject({ channel: SLACK_USER.stranger, text: expect.stringContaining('not linked') });
    expect(h.backend.decisions).toHaveLength(0);
  });

  it('refuses an officer of another office, for every button', async () => {
    for (const actionId of [ActionId.approve, ActionId.deficiency, ActionId.reject, ActionId.details]) {
      await h.click({ userId: SLACK_USER.nair, actionId, value: NUMBER, ...at, messageTs });
    }
    expect(h.backend.decisions).toHaveLength(0);
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    const texts = h.fake.callsTo('chat.postEphemeral').map((c) => c.args.text);
    expect(texts).toHaveLength(4);
    for (const text of texts) expect(text).toContain('Only officers of EIA Mumbai can act on MUMCOOAPPLY00000101AM26');
  });

  it('two officers approving at the same time produce exactly one decision; the other is told who decided', async () => {
    const [a, b] = await Promise.all([
      h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs }),
      h.click({ userId: SLACK_USER.iyer, actionId: ActionId.approve, value: NUMBER, ...at, messageTs }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);

    expect(h.backend.decisions).toHaveLength(1);
    const winner = h.backend.decisions[0]?.officerId === SHARMA.officerId ? SHARMA : IYER;
    const loserSlack = winner === SHARMA ? SLACK_USER.iyer : SLACK_USER.sharma;

    const ephemerals = h.fake.callsTo('chat.postEphemeral');
    expect(ephemerals).toHaveLength(1);
    expect(ephemerals[0]?.args.user).toBe(loserSlack);
    expect(ephemerals[0]?.args.text).toBe(`${winner.name} already approved ${FILE}, so your action was not recorded.`);
    expect(textOf(current()?.blocks)).toContain(`approved by ${winner.name}`);
    expect(buttonsOf(current()?.blocks)).not.toContain(ActionId.approve);
  });

  it('a double click by the same officer gives one decision and tells them it was already done', async () => {
    await Promise.all([
      h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs }),
      h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs }),
    ]);
    expect(h.backend.decisions).toHaveLength(1);
    const ephemerals = h.fake.callsTo('chat.postEphemeral');
    expect(ephemerals.map((c) => c.args.text)).toEqual([`You already approved ${FILE}. Nothing else was changed.`]);
  });

  it('a redelivered click (same action, X-Slack-Retry-Num) is idempotent: one decision, no refusal', async () => {
    const click = { userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs, actionTs: actionTs() };
    await h.click(click);
    const retry = await h.click(click, { retryNum: 1 });
    expect(retry.status).toBe(200);
    expect(h.backend.decisions).toHaveLength(1);
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(0);
    expect(h.backend.card(NUMBER).status).toBe('Approved Pending Issuance');
  });

  it('Raise deficiency opens a modal; its submission reaches the backend with remarks and documents', async () => {
    const trigger = '1234.5678.deficiency';
    await h.click({ userId: SLACK_USER.iyer, actionId: ActionId.deficiency, value: NUMBER, ...at, messageTs, triggerId: trigger });

    const open = h.fake.callsTo('views.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.args.trigger_id).toBe(trigger);
    const view = h.fake.openedViews[0] as { id: string; callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(CallbackId.deficiency);
    expect(JSON.parse(view.private_metadata)).toEqual({ a: NUMBER, c: CHANNEL_MUM, t: messageTs });
    expect(textOf(view.blocks)).toContain('Packing list');
    expect(h.backend.decisions).toHaveLength(0);

    const submit = (remarks: string, others = '') =>
      h.send(
        viewSubmission({
          teamId: TEAM,
          userId: SLACK_USER.iyer,
          callbackId: CallbackId.deficiency,
          viewId: view.id,
          privateMetadata: view.private_metadata,
          values: {
            [InputBlockId.remarks]: { [InputActionId.remarks]: textValue(remarks) },
            [InputBlockId.documents]: { [InputActionId.documents]: checkboxValues(['packing_list', 'cost_sheet']) },
            [InputBlockId.otherDocuments]: { [InputActionId.otherDocuments]: textValue(others) },
          },
        }),
      );

    const empty = await submit('   ');
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ response_action: 'errors', errors: { [InputBlockId.remarks]: 'Write the remarks the exporter will read.' } });
    const tooLong = await submit('x'.repeat(3001));
    expect(tooLong.json).toMatchObject({ response_action: 'errors', errors: { [InputBlockId.remarks]: expect.stringContaining('at most 3,000 characters') } });
    expect(h.backend.decisions).toHaveLength(0);

    const remarks = 'The packing list does not match the invoice quantity (1,200 KGS vs 1,100 KGS).';
    const ok = await submit(remarks, 'Certificate of analysis\n- Catch certificate');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');

    expect(h.backend.decisions).toEqual([expect.objectContaining({ kind: 'deficiency', officerId: IYER.officerId })]);
    const round = h.backend.card(NUMBER).deficiencies[0];
    expect(round).toMatchObject({
      round: 1,
      remarks,
      raisedBy: { officerId: IYER.officerId, name: IYER.name },
      documentsRequested: ['Packing list', 'Cost sheet', 'Certificate of analysis', 'Catch certificate'],
    });
    expect(h.backend.card(NUMBER).status).toBe('Deficient');
    const text = textOf(current()?.blocks);
    expect(text).toContain('*Deficient*: round 1 raised by Ravi Iyer');
    expect(text).toContain('Documents asked for: Packing list, Cost sheet, Certificate of analysis, Catch certificate');
    expect(buttonsOf(current()?.blocks)).toEqual([ActionId.details]);
  });

  it('Reject opens a modal with a reason; the submission rejects the file and the message shows the reason', async () => {
    await h.click({ userId: SLACK_USER.sharma, actionId: ActionId.reject, value: NUMBER, ...at, messageTs });
    const view = h.fake.openedViews[0] as { id: string; callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CallbackId.reject);

    const send = (reason: string) =>
      h.send(
        viewSubmission({
          teamId: TEAM,
          userId: SLACK_USER.sharma,
          callbackId: CallbackId.reject,
          viewId: view.id,
          privateMetadata: view.private_metadata,
          values: { [InputBlockId.reason]: { [InputActionId.reason]: textValue(reason) } },
        }),
      );
    const short = await send('No.');
    expect(short.json).toEqual({
      response_action: 'errors',
      errors: { [InputBlockId.reason]: 'The reason must be at least 10 characters, so the exporter knows what to do.' },
    });
    expect(h.backend.decisions).toHaveLength(0);

    const reason = 'Goods are not of Indian origin: the shrimps were imported from Vietnam and only repacked.';
    await send(reason);
    expect(h.backend.decisions).toEqual([expect.objectContaining({ kind: 'reject', officerId: SHARMA.officerId })]);
    expect(h.backend.card(NUMBER)).toMatchObject({ status: 'Rejected', rejectionReason: reason });
    const text = textOf(current()?.blocks);
    expect(text).toContain('*Rejected* by Anita Sharma');
    expect(text).toContain(`*Reason for rejection*\n${reason}`);
    expect(buttonsOf(current()?.blocks)).toEqual([ActionId.details]);
  });

  it('a modal submitted after another officer decided is refused, and its author told who decided', async () => {
    await h.click({ userId: SLACK_USER.iyer, actionId: ActionId.reject, value: NUMBER, ...at, messageTs });
    const view = h.fake.openedViews[0] as { id: string; private_metadata: string };
    await h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs });
    h.fake.clearCalls();

    const res = await h.send(
      viewSubmission({
        teamId: TEAM,
        userId: SLACK_USER.iyer,
        callbackId: CallbackId.reject,
        viewId: view.id,
        privateMetadata: view.private_metadata,
        values: { [InputBlockId.reason]: { [InputActionId.reason]: textValue('Origin criteria are not met for item 2.') } },
      }),
    );
    expect(res.status).toBe(200);
    expect(h.backend.decisions.map((d) => d.kind)).toEqual(['approve']);
    const ephemerals = h.fake.callsTo('chat.postEphemeral');
    expect(ephemerals.map((c) => [c.args.user, c.args.text])).toEqual([
      [SLACK_USER.iyer, `Anita Sharma already approved ${FILE}, so your action was not recorded.`],
    ]);
  });

  it('a button on a stale message cannot open a modal for a decided file; the message is corrected', async () => {
    await h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs });
    h.fake.clearCalls();
    await h.click({ userId: SLACK_USER.iyer, actionId: ActionId.deficiency, value: NUMBER, ...at, messageTs });
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(h.fake.callsTo('chat.postEphemeral')[0]?.args.text).toBe(
      'MUMCOOAPPLY00000101AM26 is Approved Pending Issuance; there is nothing to decide now.',
    );
    expect(h.fake.callsTo('chat.update')).toHaveLength(1);
  });

  it('Details opens a modal with the full card', async () => {
    await h.click({ userId: SLACK_USER.iyer, actionId: ActionId.details, value: NUMBER, ...at, messageTs });
    const view = h.fake.openedViews[0] as { callback_id: string; blocks: unknown[] };
    expect(view.callback_id).toBe(CallbackId.details);
    const text = textOf(view.blocks);
    for (const expected of ['Konkan Sea Foods &amp; Exports Pvt Ltd', 'IEC 0305012345', 'HS 030743: Frozen squid rings, 800 KGS', 'invoice-0142.pdf', 'OMR 4,812.50 (USD 12,500.00)']) {
      expect(text).toContain(expected);
    }
    expect(h.backend.decisions).toHaveLength(0);
  });

  it('a backend failure is reported to the officer, not swallowed', async () => {
    const original = h.backend.approve.bind(h.backend);
    h.backend.approve = async () => {
      throw new Error('Temporal unavailable');
    };
    try {
      await h.click({ userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, ...at, messageTs });
    } finally {
      h.backend.approve = original;
    }
    expect(h.fake.callsTo('chat.postEphemeral')[0]?.args.text).toMatch(/did not answer in time/);
    expect(h.logs.some((l) => l.level === 'error' && l.msg === 'slack: interaction failed')).toBe(true);
  });
});
