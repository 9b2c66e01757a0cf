import { describe, expect, it } from 'vitest';
import { InputActionId, InputBlockId } from '../../../channels/slack/ids.js';
import { readDeficiencyInput, readRejectionInput, type ViewStateValues } from '../../../channels/slack/validate-input.js';

function deficiency(remarks: string | null, checked: string[] = [], others = ''): ViewStateValues {
  return {
    [InputBlockId.remarks]: { [InputActionId.remarks]: { type: 'plain_text_input', value: remarks } },
    [InputBlockId.documents]: { [InputActionId.documents]: { type: 'checkboxes', selected_options: checked.map((value) => ({ value })) } },
    [InputBlockId.otherDocuments]: { [InputActionId.otherDocuments]: { type: 'plain_text_input', value: others } },
  };
}

describe('deficiency modal input', () => {
  it('accepts remarks with checked and typed documents, trimmed, bullets removed, without duplicates', () => {
    const parsed = readDeficiencyInput(deficiency('  Invoice value differs from item total.\r\n  ', ['packing_list', 'cost_sheet'], '• Certificate of analysis\n\n- packing list\nCatch certificate  '));
    expect(parsed).toEqual({
      ok: true,
      input: {
        remarks: 'Invoice value differs from item total.',
        documentsRequested: ['Packing list', 'Cost sheet', 'Certificate of analysis', 'Catch certificate'],
      },
    });
  });

  it('requires remarks, with a minimum and a maximum length', () => {
    expect(readDeficiencyInput(deficiency(null))).toEqual({ ok: false, errors: { [InputBlockId.remarks]: 'Write the remarks the exporter will read.' } });
    expect(readDeficiencyInput({})).toEqual({ ok: false, errors: { [InputBlockId.remarks]: 'Write the remarks the exporter will read.' } });
    expect(readDeficiencyInput(deficiency('Fix it.'))).toEqual({
      ok: false,
      errors: { [InputBlockId.remarks]: 'Remarks must be at least 10 characters, so the exporter knows what to do.' },
    });
    expect(readDeficiencyInput(deficiency('a'.repeat(3000))).ok).toBe(true);
    expect(readDeficiencyInput(deficiency('a'.repeat(3001)))).toEqual({
      ok: false,
      errors: { [InputBlockId.remarks]: 'Remarks can be at most 3,000 characters; this has 3,001.' },
    });
  });

  it('refuses unknown checkbox values, over-long document names and too many documents, each on its own block', () => {
    const result = readDeficiencyInput(deficiency('', ['forged_value'], `ok\n${'d'.repeat(201)}`));
    expect(result).toEqual({
      ok: false,
      errors: {
        [InputBlockId.remarks]: 'Write the remarks the exporter will read.',
        [InputBlockId.documents]: '“forged_value” is not one of the listed documents.',
        [InputBlockId.otherDocuments]: 'Line 2 is longer than 200 characters; write one document name per line.',
      },
    });
    const many = Array.from({ length: 16 }, (_, i) => `Document ${i}`).join('\n');
    expect(readDeficiencyInput(deficiency('Please send these documents.', [], many))).toEqual({
      ok: false,
      errors: { [InputBlockId.otherDocuments]: 'Ask for at most 15 documents in one round; this asks for 16.' },
    });
  });
});

describe('rejection modal input', () => {
  const reason = (value: string | null): ViewStateValues => ({
    [InputBlockId.reason]: { [InputActionId.reason]: { type: 'plain_text_input', value } },
  });
  it('requires a reason of 10 to 3,000 characters', () => {
    expect(readRejectionInput(reason(' Goods are not of Indian origin. '))).toEqual({ ok: true, input: { reason: 'Goods are not of Indian origin.' } });
    expect(readRejectionInput(reason(''))).toEqual({
      ok: false,
      errors: { [InputBlockId.reason]: 'Write the reason for the rejection; the exporter will read it.' },
    });
    expect(readRejectionInput(reason('b'.repeat(3001)))).toMatchObject({ ok: false });
  });
});
