import { describe, expect, it } from 'vitest';
import { buildApplicationMessage, isDecidable } from '../../../channels/slack/blocks/application-message.js';
import type { ApplicationCard } from '../../../channels/slack/backend.js';
import { APPLICATION_STATUSES } from '../../../domain/application/file-status.js';
import { ActionId } from '../../../channels/slack/ids.js';
import { checkBlocks, checkMessage } from '../../helpers/slack-fake.js';
import { SHARMA_REF, buttonsOf, card, hoursBefore, textOf } from './fixtures.js';

const DECIDE = [ActionId.approve, ActionId.deficiency, ActionId.reject, ActionId.details];

describe('the application message (Block Kit)', () => {
  it('shows an In-Process file with its facts and the four buttons carrying the application number', () => {
    const message = buildApplicationMessage(card());
    expect(checkMessage(message as unknown as Record<string, unknown>)).toEqual([]);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'section', 'actions']);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:inbox_tray: *In-Process*: waiting for a decision since <!date^${Date.parse(hoursBefore(5)) / 1000}^{date_short_pretty} {time}|12 Mar 2026, 09:30 IST>`,
      },
    });
    const actions = message.blocks.at(-1);
    expect(actions).toMatchObject({
      type: 'actions',
      block_id: 'coo_actions',
      elements: [
        { action_id: ActionId.approve, style: 'primary', value: 'COOAPPLY00000101AM26', confirm: { confirm: { text: 'Approve' } } },
        { action_id: ActionId.deficiency, value: 'COOAPPLY00000101AM26' },
        { action_id: ActionId.reject, style: 'danger', value: 'COOAPPLY00000101AM26' },
        { action_id: ActionId.details, value: 'COOAPPLY00000101AM26' },
      ],
    });
  });

  it.each(APPLICATION_STATUSES.map((s) => [s]))('%s: decision buttons only while In-Process', (status) => {
    const c = card({
      status,
      decidedBy: SHARMA_REF,
      decidedAt: hoursBefore(1),
      ...(status === 'Rejected' ? { rejectionReason: 'Not originating.' } : {}),
      ...(status === 'Approved' ? { certificateNumber: 'EIC/IOCEPA/2026/000042' } : {}),
      ...(status === 'Deficient'
        ? { deficiencies: [{ round: 1, raisedAt: hoursBefore(2), raisedBy: SHARMA_REF, remarks: 'Cost sheet missing.', documentsRequested: ['Cost sheet'] }] }
        : {}),
    });
    const message = buildApplicationMessage(c);
    expect(checkBlocks(message.blocks, 'message')).toEqual([]);
    expect(buttonsOf(message.blocks)).toEqual(status === 'In-Process' ? DECIDE : [ActionId.details]);
    expect(isDecidable(c)).toBe(status === 'In-Process');
    expect(message.text).toBe(`CoO MUMCOOAPPLY00000101AM26 from Konkan Sea Foods &amp; Exports Pvt Ltd: ${status}`);
    expect(textOf(message.blocks)).toContain(`*${status}*`);
  });

  it('states who decided and what follows', () => {
    const approved = textOf(buildApplicationMessage(card({ status: 'Approved Pending Issuance', decidedBy: SHARMA_REF })).blocks);
    expect(approved).toContain('approved by Anita Sharma; the certificate is being signed');
    const issued = textOf(buildApplicationMessage(card({ status: 'Approved', decidedBy: SHARMA_REF, certificateNumber: 'C-42' })).blocks);
    expect(issued).toContain(':scroll: *Approved*: certificate *C-42* issued (approved by Anita Sharma)');
    const rejected = textOf(buildApplicationMessage(card({ status: 'Rejected', decidedBy: SHARMA_REF, rejectionReason: 'Repacked goods & <no> origin.' })).blocks);
    expect(rejected).toContain('*Reason for rejection*\nRepacked goods &amp; &lt;no&gt; origin.');
  });

  it('shows the deficiency history, newest three rounds, with the exporter\'s responses', () => {
    const rounds = [1, 2, 3, 4].map((n) => ({
      round: n,
      raisedAt: hoursBefore(40 - n),
      raisedBy: SHARMA_REF,
      remarks: `Remark of round ${n}`,
      documentsRequested: n === 4 ? [] : ['Packing list'],
      ...(n < 4 ? { response: { at: hoursBefore(30 - n), kind: n % 2 === 0 ? ('edit' as const) : ('clarification' as const), text: `Answer ${n}` } } : {}),
    }));
    const text = textOf(buildApplicationMessage(card({ status: 'Deficient', deficiencies: rounds })).blocks);
    expect(text).toContain('*Deficiency history* (1 earlier round in Details)');
    expect(text).not.toContain('Remark of round 1');
    expect(text).toContain('Remark of round 2');
    expect(text).toContain('↳ Exporter edited the application');
    expect(text).toContain('↳ Exporter answered with a clarification');
    expect(text).toContain('Answer 3');
    expect(text).toMatch(/Remark of round 4\n↳ Waiting for the exporter/);
    expect(text).toContain('*Deficient*: round 4 raised by Anita Sharma');
  });

  it('says the exporter answered when a file comes back In-Process', () => {
    const c = card({
      deficiencies: [{ round: 1, raisedAt: hoursBefore(9), raisedBy: SHARMA_REF, remarks: 'x', documentsRequested: [], response: { at: hoursBefore(1), kind: 'edit' } }],
      waitingSince: hoursBefore(1),
    });
    expect(textOf(buildApplicationMessage(c).blocks)).toContain('*In-Process*: the exporter answered deficiency round 1; waiting for a decision since');
  });

  it('stays within Block Kit limits with many goods, long texts and many rounds', () => {
    const long = 'x'.repeat(5000);
    const c = card({
      exporter: { iec: '0305012345', name: long },
      goods: Array.from({ length: 120 }, (_, i) => ({ description: `Item ${i} ${long}`, hsCode: '030617', quantity: i, unit: 'KGS' })),
      attachments: Array.from({ length: 30 }, (_, i) => ({ name: `file-${i}.pdf`, kind: long.slice(0, 200) })),
      deficiencies: Array.from({ length: 12 }, (_, i) => ({ round: i + 1, raisedAt: hoursBefore(30), raisedBy: SHARMA_REF, remarks: long, documentsRequested: [long] })),
    });
    const message = buildApplicationMessage(c);
    expect(checkMessage(message as unknown as Record<string, unknown>)).toEqual([]);
    expect(textOf(message.blocks)).toContain('… and 115 more (see Details)');
  });

  it('can leave out the decision buttons (a copy that would go stale)', () => {
    expect(buttonsOf(buildApplicationMessage(card(), { actions: 'details' }).blocks)).toEqual([ActionId.details]);
  });

  it('uses the application number before a file number exists', () => {
    const c: ApplicationCard = card();
    delete c.fileNumber;
    const message = buildApplicationMessage(c);
    expect(message.blocks[0]).toMatchObject({ text: { text: 'CoO COOAPPLY00000101AM26' } });
    expect(textOf(message.blocks)).not.toContain('*Application*');
  });
});

describe('the application message: before / after shipment', () => {
  it('says a file is requested after shipment, with the mark its certificate will carry', () => {
    expect(textOf(buildApplicationMessage(card()).blocks)).not.toContain('After shipment');
    expect(textOf(buildApplicationMessage(card({ afterShipment: { mark: 'ISSUED RETROACTIVELY' } })).blocks)).toContain('*Requested*\nAfter shipment: to be marked “ISSUED RETROACTIVELY”');
    expect(textOf(buildApplicationMessage(card({ afterShipment: {} })).blocks)).toContain('*Requested*\nAfter shipment');
  });
});
