import { describe, expect, it } from 'vitest';
import { checkCostSheet, summarizeCostSheets } from '../../../domain/application/check-cost-sheets.js';
import {
  compareShare,
  computeValueContent,
  costSheetFigures,
  formatPercent,
  formatRupees,
  hundredths,
  shareHundredths,
} from '../../../domain/application/cost-sheet.js';
import type { ApplicationDraft, CostSheet } from '../../../domain/application/schemas.js';
import { costSheetContext, validateApplicationForSubmission, validateCostSheet } from '../../../domain/application/validate-application.js';
import { indexReferenceData } from '../../../domain/reference/reference-index.js';
import type { ValueContentRule } from '../../../domain/reference/types.js';
import { context, messages, referenceData, validDraft } from './helpers.js';

const RULES: ValueContentRule[] = [
  { agreementCode: 'AIFTA', criterionCode: 'RVC', measure: 'value-content', formula: 'build-down', cumulation: 'partners', thresholdPercent: 35, tolerancePercent: 0.5, source: 'test' },
  { agreementCode: 'SAFTA', criterionCode: 'D', measure: 'value-content', formula: 'build-down', cumulation: 'partners', thresholdPercent: 50, nationalMinimumPercent: 20, tolerancePercent: 0.5, source: 'test' },
  { agreementCode: 'GSP', criterionCode: 'Y', measure: 'non-originating-content', formula: 'build-down', cumulation: 'national', thresholdPercent: 50, tolerancePercent: 0.5, source: 'test' },
];
const reference = indexReferenceData({ ...referenceData, valueContentRules: RULES });
const ctx = context({ reference });

/** Item 2 of the helpers' application (cardamom, FOB ₹50,070, claimed "RVC 60%"): (50,070 − 20,028) / 50,070 = 60.00%. */
function sheet(overrides: Partial<CostSheet> = {}): CostSheet {
  return {
    originatingMaterials: [{ description: 'Green cardamom capsules from Idukki growers', countryOfOrigin: 'IN', valueInr: 18000 }],
    nonOriginatingMaterials: [
      { description: 'Food-grade polyethylene pouches', hsCode: '39232100', countryOfOrigin: 'CN', valueInr: 8345 },
      { description: 'Labels bought from a trader', countryOfOrigin: 'UNDETERMINED', valueInr: 11683 },
    ],
    labour: 5000,
    overheads: 3042,
    profit: 2000,
    exWorks: 48070,
    costsToPort: 2000,
    fob: 50070,
    ...overrides,
  };
}

function draftWith(costSheets: Record<string, CostSheet> | undefined, claim?: number): ApplicationDraft {
  const draft: ApplicationDraft = { ...validDraft(), ...(costSheets ? { costSheets } : {}) };
  if (claim !== undefined) draft.importDetails!.items[1]!.preferenceCriterionValuePercent = claim;
  return draft;
}

function check(s: CostSheet, draft: ApplicationDraft = draftWith(undefined)) {
  return checkCostSheet(2, s, draft, costSheetContext(draft, ctx));
}

describe('cost sheet arithmetic: paise and hundredths of a percent, never floats', () => {
  it('reads amounts and percentages exactly', () => {
    expect(hundredths(42.5)).toBe(4250n);
    expect(hundredths(0.1) + hundredths(0.2)).toBe(hundredths(0.3));
    expect(hundredths(400500)).toBe(40050000n);
    expect(hundredths(1.005)).toBe(101n); // half up on the digits as written (1.005 * 100 is 100.49999… in binary)
    expect(hundredths(0.125)).toBe(13n);
    expect(formatRupees(42050000n)).toBe('₹4,20,500.00');
    expect(formatRupees(123456789012n)).toBe('₹1,23,45,67,890.12');
    expect(formatPercent(4000n)).toBe('40');
    expect(formatPercent(4250n)).toBe('42.5');
  });

  it('compares a share with a threshold exactly, and rounds only the figure shown', () => {
    // 34.99993% shows as 35.00 but is below 35%
    const share = { numerator: 3_499_993n, denominator: 10_000_000n };
    expect(shareHundredths(share)).toBe(3500n);
    expect(compareShare(share, 3500n)).toBe(-1);
    expect(compareShare({ numerator: 35n, denominator: 100n }, 3500n)).toBe(0);
    expect(shareHundredths({ numerator: 178_292_00n, denominator: 420_500_00n })).toBe(4240n);
  });

  it('computes build-down and build-up as the rule says; with totals that add up they agree', () => {
    const f = costSheetFigures(sheet());
    const down = computeValueContent(f, RULES[0]!);
    const up = computeValueContent(f, { ...RULES[0]!, formula: 'build-up' });
    expect(shareHundredths(down.share)).toBe(6000n);
    expect(shareHundredths(up.share)).toBe(6000n);
    expect(down.explanation).toBe('(FOB ₹50,070.00 − non-originating materials ₹20,028.00) / FOB');
    // profit overstated by ₹5,007: build-up counts it, build-down does not
    const inflated = costSheetFigures(sheet({ profit: 7007 }));
    expect(shareHundredths(computeValueContent(inflated, { ...RULES[0]!, formula: 'build-up' }).share)).toBe(7000n);
    expect(shareHundredths(computeValueContent(inflated, RULES[0]!).share)).toBe(6000n);
    // non-originating content: 20,028 / 50,070
    expect(shareHundredths(computeValueContent(f, RULES[2]!).share)).toBe(4000n);
  });
});

describe('cost sheet rules', () => {
  it('accepts a cost sheet that adds up and agrees with the claim; submission finds nothing', () => {
    expect(check(sheet())).toEqual([]);
    expect(validateApplicationForSubmission(draftWith({ 2: sheet() }), ctx)).toEqual([]);
    // within the tolerance of half a point either way
    expect(check(sheet(), draftWith(undefined, 60.5))).toEqual([]);
    expect(check(sheet(), draftWith(undefined, 59.5))).toEqual([]);
  });

  it('needs a cost sheet for a criterion measured on one', () => {
    expect(validateApplicationForSubmission(draftWith(undefined), ctx)).toEqual([
      {
        path: 'costSheets/2',
        message:
          'Item 2 (Small cardamom (Alleppey green), in…) is claimed under RVC (Regional value content of at least 35% and change in tariff sub-heading), which is measured on a cost sheet: give the cost sheet of item 2 (materials with their origin and value, labour, overheads, profit, ex-works price and FOB value)',
      },
    ]);
    // without a rule for the agreement (the JSON fixture has none) nothing is asked
    expect(validateApplicationForSubmission(draftWith(undefined), context())).toEqual([]);
  });

  it('says when the claimed value differs from the computed one beyond the tolerance', () => {
    expect(check(sheet(), draftWith(undefined, 60.51))).toEqual([
      {
        path: 'importDetails/items/1/preferenceCriterionValuePercent',
        message:
          'Item 2 (Small cardamom (Alleppey green), in…) claims "RVC 60.51%" on the Import Details tab, but its cost sheet gives a value content of 60.00% ((FOB ₹50,070.00 − non-originating materials ₹20,028.00) / FOB); the claimed value may differ from it by at most 0.5 percentage points: correct the claimed value or the cost sheet',
      },
    ]);
  });

  it('says when the computed value is below the threshold, separately from the claim', () => {
    // non-originating ₹35,000 of ₹50,070: 30.10%
    const poor = sheet({
      nonOriginatingMaterials: [{ description: 'Imported cardamom', countryOfOrigin: 'GT', valueInr: 35000 }],
      originatingMaterials: [{ description: 'Pouches', countryOfOrigin: 'IN', valueInr: 3028 }],
    });
    expect(check(poor, draftWith(undefined, 30))).toEqual([
      {
        path: 'costSheets/2',
        message:
          'The cost sheet of item 2 (Small cardamom (Alleppey green), in…) gives a value content of 30.10% ((FOB ₹50,070.00 − non-originating materials ₹35,000.00) / FOB), below the 35% that criterion RVC of ASEAN-India FTA requires: the item does not qualify under RVC',
      },
    ]);
    expect(check(poor).map((p) => p.path)).toEqual(['costSheets/2', 'importDetails/items/1/preferenceCriterionValuePercent']);
  });

  it('wants the origin of every material, and only originating ones among the originating', () => {
    const s = sheet({
      originatingMaterials: [
        { description: 'Cardamom from Thai growers', countryOfOrigin: 'TH', valueInr: 9000 },
        { description: 'Cardamom from Guatemala', countryOfOrigin: 'GT', valueInr: 9000 },
      ],
      nonOriginatingMaterials: [
        { description: 'Food-grade polyethylene pouches', valueInr: 8345 },
        { description: 'Labels bought from a trader', countryOfOrigin: 'XX', valueInr: 11683 },
      ],
    });
    expect(check(s)).toEqual([
      {
        path: 'costSheets/2/originatingMaterials/1/countryOfOrigin',
        message: expect.stringMatching(
          /^Originating material 2 \(Cardamom from Guatemala\) of the cost sheet of item 2 \(.*\) is from Guatemala \(GT\), which is not originating under RVC of ASEAN-India FTA: only Indian materials and those of .*Thailand \(TH\).* count as originating; list it among the non-originating materials$/,
        ),
      },
      {
        path: 'costSheets/2/nonOriginatingMaterials/0/countryOfOrigin',
        message: 'Non-originating material 1 (Food-grade polyethylene pouches) of the cost sheet of item 2 (Small cardamom (Alleppey green), in…) has no country of origin: give the country it comes from, or UNDETERMINED',
      },
      {
        path: 'costSheets/2/nonOriginatingMaterials/1/countryOfOrigin',
        message: 'Non-originating material 2 (Labels bought from a trader) of the cost sheet of item 2 (Small cardamom (Alleppey green), in…): XX is not an ISO 3166 country code',
      },
    ]);
  });

  it('wants totals that add up to the ex-works price, the FOB value and the item value, each said on its own', () => {
    expect(messages(check(sheet({ labour: 5100 })))).toEqual([
      'The cost sheet of item 2 (Small cardamom (Alleppey green), in…) does not add up: materials ₹38,028.00 + labour ₹5,100.00 + overheads ₹3,042.00 + profit ₹2,000.00 = ₹48,170.00, but the ex-works price is ₹48,070.00 (difference ₹100.00)',
    ]);
    expect(messages(check(sheet({ costsToPort: 1999.99 })))).toEqual([
      'The FOB value of the cost sheet of item 2 (Small cardamom (Alleppey green), in…) (₹50,070.00) is not its ex-works price ₹48,070.00 + costs from the works to the port ₹1,999.99 = ₹50,069.99',
    ]);
    expect(messages(check(sheet({ costsToPort: 2010, fob: 50080 }), draftWith(undefined, 60.02)))).toEqual([
      "The FOB value of the cost sheet of item 2 (Small cardamom (Alleppey green), in…) (₹50,080.00) is not the item's value in INR on the Export Details tab (₹50,070.00): the cost sheet covers the whole quantity of the item on the invoice",
    ]);
  });

  it('adds up in paise: 0.10 + 0.20 is 0.30', () => {
    const s = sheet({ labour: 4999.9, overheads: 3042.1, exWorks: 48070 });
    expect(check(s)).toEqual([]);
  });

  it('checks the cost sheet against the Import Details tab', () => {
    const draft = draftWith(undefined);
    draft.importDetails!.items[1]!.usesImportedOrUndeterminedMaterials = false;
    expect(check(sheet(), draft).map((p) => p.path)).toEqual(['costSheets/2/nonOriginatingMaterials/0', 'costSheets/2/nonOriginatingMaterials/1']);
    // item 1 is wholly obtained (WO): no non-originating materials at all
    const wo = draftWith(undefined);
    const pepper: CostSheet = { ...sheet(), fob: 75105, exWorks: 73105, labour: 30035 };
    const found = checkCostSheet(1, pepper, wo, costSheetContext(wo, ctx));
    expect(found.map((p) => p.path)).toEqual(['costSheets/1/nonOriginatingMaterials/0', 'costSheets/1/nonOriginatingMaterials/1', 'costSheets/1/nonOriginatingMaterials']);
    expect(found[0]!.message).toBe(
      'Item 1 (Black pepper, light, neither crushed…) is declared on the Import Details tab to use no imported or undetermined-origin materials, but its cost sheet lists non-originating material 1 (Food-grade polyethylene pouches) from China (CN); correct one of them',
    );
    expect(found[2]!.message).toBe(
      'Item 1 (Black pepper, light, neither crushed…) is claimed under WO (Wholly obtained or produced), which allows no non-originating materials, but its cost sheet lists 2 worth ₹20,028.00',
    );
    expect(messages(checkCostSheet(7, sheet(), wo, costSheetContext(wo, ctx)))[0]).toBe(
      'There is a cost sheet for export item 7, which is not in the export products: delete it or add the item',
    );
  });

  it('measures a non-originating content against a maximum, and a national minimum besides a cumulative one', () => {
    const gsp = computeValueContent(costSheetFigures(sheet({ nonOriginatingMaterials: [{ description: 'Imported', countryOfOrigin: 'CN', valueInr: 30000 }], originatingMaterials: [{ description: 'x', countryOfOrigin: 'IN', valueInr: 8028 }] })), RULES[2]!);
    expect(compareShare(gsp.share, 5000n)).toBe(1);
    const safta = computeValueContent(costSheetFigures(sheet({ originatingMaterials: [{ description: 'Sri Lankan cardamom', countryOfOrigin: 'LK', valueInr: 18000 }] })), RULES[1]!);
    expect(shareHundredths(safta.share)).toBe(6000n);
    expect(shareHundredths(safta.nationalShare!)).toBe(2405n);
  });

  it('refuses amounts with fractions of a paisa, with the field named', () => {
    const r = validateCostSheet(2, { ...sheet(), labour: 5000.005 }, draftWith(undefined), ctx);
    expect(r.problems).toEqual([{ path: 'costSheets/2/labour', message: 'Labour (INR) must be in rupees with at most 2 decimals (paise)' }]);
  });

  it('summarises each item: claimed, computed, threshold', () => {
    const draft = draftWith({ 2: sheet() });
    expect(summarizeCostSheets(draft, costSheetContext(draft, ctx))).toEqual([
      {
        itemNo: 2,
        description: 'Small cardamom (Alleppey green), in consumer pouches',
        claimed: 'RVC 60%',
        costSheet: true,
        measure: 'value-content',
        formula: 'build-down',
        computedPercent: '60.00',
        thresholdPercent: '35',
        tolerancePercent: '0.5',
        meetsThreshold: true,
        agreesWithClaim: true,
        problems: [],
      },
    ]);
  });
});
