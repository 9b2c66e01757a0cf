import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, SAMPLE_COST_SHEET, type CompleteDraft } from '../helpers/drafts.js';
import { registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// Seed 002 IV "Cost Sheet Digitization": item 2 of the sample application (steel utensils to Oman) is claimed
// "VA 42.5%" under the India-Oman CEPA, whose rule (value_content_rule) is a value addition of at least 40%
// of the FOB value, build-down, with half a percentage point between the claim and the cost sheet.
describe('the cost sheet of an export product', () => {
  let stack: Stack;
  let pki: TestPki;
  let raj: string;
  let draft: CompleteDraft;

  beforeAll(async () => {
    stack = await startStack({ name: 'cost-sheet' });
    pki = await testPki(stack);
    await stack.startWorker();
    raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    await registerWithDsc(stack, pki, raj, 'AAACR5055K', 'exporter-raj');
    draft = await createCompleteDraft(stack, raj);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const costSheetUrl = () => `/v1/applications/${draft.id}/cost-sheets/2`;

  it('refuses a cost sheet that disagrees with the claimed criterion, each disagreement with its own message', async () => {
    // more imported steel: (4,20,500 − 2,90,000) / 4,20,500 = 31.03%
    const disagreeing = {
      ...SAMPLE_COST_SHEET,
      nonOriginatingMaterials: [{ ...SAMPLE_COST_SHEET.nonOriginatingMaterials[0]!, valueInr: 290000 }],
      labour: 20208,
    };
    const r = await api(stack, 'PUT', costSheetUrl(), { token: raj, body: disagreeing });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors).toEqual([
      {
        path: 'costSheets/2',
        message:
          'The cost sheet of item 2 (Stainless steel kitchen utensils…) gives a value content of 31.03% ((FOB ₹4,20,500.00 − non-originating materials ₹2,90,000.00) / FOB), below the 40% that criterion VA of India Oman CEPA (Agency Issued) requires: the item does not qualify under VA',
      },
      {
        path: 'importDetails/items/1/preferenceCriterionValuePercent',
        message:
          'Item 2 (Stainless steel kitchen utensils…) claims "VA 42.5%" on the Import Details tab, but its cost sheet gives a value content of 31.03% ((FOB ₹4,20,500.00 − non-originating materials ₹2,90,000.00) / FOB); the claimed value may differ from it by at most 0.5 percentage points: correct the claimed value or the cost sheet',
      },
    ]);
    // a non-originating material without origin and totals that do not add up: their own messages
    const { countryOfOrigin: _origin, ...noOrigin } = SAMPLE_COST_SHEET.nonOriginatingMaterials[0]!;
    const sloppy = await api(stack, 'PUT', costSheetUrl(), { token: raj, body: { ...SAMPLE_COST_SHEET, nonOriginatingMaterials: [noOrigin], exWorks: 400000, costsToPort: 20500 } });
    expect(sloppy.status).toBe(422);
    expect(sloppy.body.errors.map((e: { path: string }) => e.path)).toEqual(['costSheets/2/nonOriginatingMaterials/0/countryOfOrigin', 'costSheets/2/exWorks']);
    // nothing was written: the sample's cost sheet is still the one saved
    const kept = await api(stack, 'GET', costSheetUrl(), { token: raj });
    expect(kept.status).toBe(200);
    expect(kept.body.costSheet).toEqual(SAMPLE_COST_SHEET);
  });

  it('without the cost sheet the application is not submitted; with one that agrees it is accepted, submitted and shown in the summary', async () => {
    const removed = await api(stack, 'DELETE', costSheetUrl(), { token: raj });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    const missing =
      'Item 2 (Stainless steel kitchen utensils…) is claimed under VA (Value addition of at least 40% and change in tariff sub-heading), which is measured on a cost sheet: give the cost sheet of item 2 (materials with their origin and value, labour, overheads, profit, ex-works price and FOB value)';
    expect(removed.body.warnings).toEqual([{ path: 'costSheets/2', message: missing }]);
    const refused = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: raj });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'costSheets/2', message: missing }]);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}`, { token: raj })).body.status).toBe('Draft');

    const saved = await api(stack, 'PUT', costSheetUrl(), { token: raj, body: SAMPLE_COST_SHEET });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.warnings).toEqual([]);
    const line = {
      itemNo: 2,
      claimed: 'VA 42.5%',
      costSheet: true,
      measure: 'value-content',
      formula: 'build-down',
      computedPercent: '42.40',
      thresholdPercent: '40',
      tolerancePercent: '0.5',
      meetsThreshold: true,
      agreesWithClaim: true,
      problems: [],
    };
    expect(saved.body.costSheet.summary).toMatchObject(line);

    await submitAndSign(stack, pki, raj, draft.id, 'exporter-raj');
    await waitForStatus(stack, raj, draft.id, 'Pending Payment');
    const app = await api(stack, 'GET', `/v1/applications/${draft.id}`, { token: raj });
    expect(app.body.costSheetSummary).toEqual([expect.objectContaining(line)]);
    expect(app.body.tabs.costSheets).toEqual({ '2': SAMPLE_COST_SHEET });
  });
});
