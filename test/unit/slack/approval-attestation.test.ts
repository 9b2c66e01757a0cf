import { describe, expect, it } from 'vitest';
import { buildApplicationMessage } from '../../../channels/slack/blocks/application-message.js';
import { buildApproveModal } from '../../../channels/slack/blocks/modals.js';
import { ActionId, CallbackId, InputActionId, InputBlockId } from '../../../channels/slack/ids.js';
import { approvalFromChoice, readApprovalChoice } from '../../../channels/slack/validate-input.js';
import { checkView } from '../../helpers/slack-fake.js';
import { buttonsOf, card, textOf } from './fixtures.js';

const ctx = { applicationNumber: 'COOAPPLY00000101AM26', channel: 'C1', messageTs: '1700000000.000100' };
const toAttest = card({
  attachments: [
    { name: 'invoice-0142.pdf', kind: 'Commercial invoice', id: 'a1', attest: true },
    { name: 'packing.jpg', kind: 'Packing list', id: 'a2', attest: true },
    { name: 'cost.xlsx', kind: 'Cost sheet', id: 'a3' },
  ],
});

describe('approval in Slack with documents to attest', () => {
  it('the Approve button opens the approval modal (no confirm dialog) only when documents are marked "Attest"', () => {
    const approve = (c: ReturnType<typeof card>) => {
      const actions = buildApplicationMessage(c).blocks.find((b) => b.type === 'actions') as any;
      expect(buttonsOf([actions])).toContain(ActionId.approve);
      return actions.elements.find((b: any) => b.action_id === ActionId.approve);
    };
    expect(approve(toAttest).confirm).toBeUndefined();
    expect(approve(card()).confirm).toBeDefined();
    expect(textOf(buildApplicationMessage(toAttest).blocks)).toContain('Commercial invoice (invoice-0142.pdf) · to attest');
  });

  it('lists the documents to attest, all ticked, and a remark for those unticked', () => {
    const view = buildApproveModal(toAttest, ctx);
    expect(checkView(view, 'modal')).toEqual([]);
    expect(view.callback_id).toBe(CallbackId.approve);
    const attest = view.blocks.find((b) => b.block_id === InputBlockId.attest) as any;
    expect(attest.element.options.map((o: any) => o.value)).toEqual(['a1', 'a2']);
    expect(attest.element.initial_options).toEqual(attest.element.options);
    expect(view.blocks.some((b) => b.block_id === InputBlockId.attestRemark)).toBe(true);
  });

  it('declines the unticked documents with the remark; unticking without a remark is refused on the remark field', () => {
    const values = (ticked: string[], remark: string) => ({
      [InputBlockId.attest]: { [InputActionId.attest]: { type: 'checkboxes', selected_options: ticked.map((value) => ({ value })) } },
      [InputBlockId.attestRemark]: { [InputActionId.attestRemark]: { type: 'plain_text_input', value: remark } },
    });
    const all = readApprovalChoice(values(['a1', 'a2'], ''));
    expect(all.ok && approvalFromChoice(toAttest, all.input)).toEqual({ ok: true, input: { declineAttestation: [] } });
    const one = readApprovalChoice(values(['a1'], '  Scan not legible.  '));
    expect(one.ok && approvalFromChoice(toAttest, one.input)).toEqual({ ok: true, input: { declineAttestation: [{ attachmentId: 'a2', remark: 'Scan not legible.' }] } });
    const silent = readApprovalChoice(values(['a1'], ''));
    expect(silent.ok && approvalFromChoice(toAttest, silent.input)).toEqual({
      ok: false,
      errors: { [InputBlockId.attestRemark]: 'Say why packing.jpg is not attested: the exporter reads the remark.' },
    });
    expect(readApprovalChoice(values([], 'x'.repeat(1001)))).toMatchObject({ ok: false, errors: { [InputBlockId.attestRemark]: expect.stringContaining('at most 1,000 characters') } });
  });
});
