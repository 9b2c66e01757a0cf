import { describe, expect, it } from 'vitest';
import {
  buildDeficiencyModal,
  buildDetailsModal,
  buildRejectModal,
  decodeModalContext,
  encodeModalContext,
} from '../../../channels/slack/blocks/modals.js';
import { CallbackId, InputActionId, InputBlockId } from '../../../channels/slack/ids.js';
import { COMMON_DOCUMENTS, LIMITS } from '../../../channels/slack/input-rules.js';
import { checkView } from '../../helpers/slack-fake.js';
import { SHARMA_REF, buttonsOf, card, hoursBefore, textOf } from './fixtures.js';

const ctx = { applicationNumber: 'COOAPPLY00000101AM26', channel: 'C1', messageTs: '1700000000.000100' };

describe('modals', () => {
  it('deficiency modal: remarks (required, limited), common documents as checkboxes, other documents', () => {
    const view = buildDeficiencyModal(card(), ctx);
    expect(checkView(view, 'modal')).toEqual([]);
    expect(view.callback_id).toBe(CallbackId.deficiency);
    expect(decodeModalContext(view.private_metadata ?? '')).toEqual(ctx);
    const inputs = view.blocks.filter((b): b is Extract<typeof b, { type: 'input' }> => b.type === 'input');
    expect(inputs.map((b) => [b.block_id, b.optional ?? false])).toEqual([
      [InputBlockId.remarks, false],
      [InputBlockId.documents, true],
      [InputBlockId.otherDocuments, true],
    ]);
    expect(inputs[0]).toMatchObject({
      element: { type: 'plain_text_input', action_id: InputActionId.remarks, multiline: true, min_length: LIMITS.remarksMin, max_length: LIMITS.remarksMax },
    });
    expect(inputs[1]).toMatchObject({
      element: { type: 'checkboxes', options: COMMON_DOCUMENTS.map((d) => ({ value: d.value, text: { type: 'plain_text', text: d.label } })) },
    });
    expect(textOf(view.blocks)).toContain('Commercial invoice');
  });

  it('reject modal: a required reason and a warning that rejection is final', () => {
    const view = buildRejectModal(card(), ctx);
    expect(checkView(view, 'modal')).toEqual([]);
    expect(view.callback_id).toBe(CallbackId.reject);
    expect(textOf(view.blocks)).toContain('Rejection is final');
    expect(view.blocks.find((b) => b.type === 'input')).toMatchObject({ block_id: InputBlockId.reason, element: { action_id: InputActionId.reason } });
  });

  it('details modal: read-only, everything on the card, within limits even for huge cards', () => {
    const small = buildDetailsModal(card());
    expect(checkView(small, 'modal')).toEqual([]);
    expect(small.submit).toBeUndefined();
    expect(buttonsOf(small.blocks)).toEqual([]);
    expect(textOf(small.blocks)).toContain('*Issuing agency*: Export Inspection Council (EIC)');

    const huge = card({
      goods: Array.from({ length: 300 }, (_, i) => ({ description: `Item number ${i} ${'y'.repeat(100)}`, hsCode: '030617', quantity: i, unit: 'KGS' })),
      deficiencies: Array.from({ length: 60 }, (_, i) => ({ round: i + 1, raisedAt: hoursBefore(9), raisedBy: SHARMA_REF, remarks: 'r'.repeat(4000), documentsRequested: [] })),
    });
    const view = buildDetailsModal(huge);
    expect(checkView(view, 'modal')).toEqual([]);
    expect(textOf(view.blocks)).toContain('Item number 199');
    expect(textOf(view.blocks)).toContain('*Deficiency history* (60 rounds)');
  });

  it('decodes only well-formed modal context', () => {
    expect(decodeModalContext(encodeModalContext({ applicationNumber: 'A' }))).toEqual({ applicationNumber: 'A' });
    for (const bad of ['', 'null', '[]', '{"a":""}', '{"a":5}', '{not json']) expect(decodeModalContext(bad)).toBeNull();
  });
});
