import type { FieldProblem } from '../../lib/errors.js';
import { countryName, isCountryCode } from '../reference/countries.js';
import type { OriginCriterion, TradeAgreement, ValueContentRule } from '../reference/types.js';
import { capitalise, findCriterion, truncate } from './check-import-details.js';
import {
  compareShare,
  computeValueContent,
  costSheetFigures,
  DEFAULT_MEASUREMENT,
  formatHundredths,
  formatPercent,
  formatRupees,
  hundredths,
  shareHundredths,
  withinTolerance,
  type CostSheetFigures,
  type ValueContent,
} from './cost-sheet.js';
import type { ApplicationDraft, CostSheet, CostSheetMaterial, ExportItem, ImportItem } from './schemas.js';

/** The value-content rule of a criterion of the application's agreement (ReferenceIndex.valueContentRule), if any. */
export type RuleOf = (criterionCode: string) => ValueContentRule | undefined;

/** What the cost sheet rules need from the rest of the application; each may be missing while tabs are unsaved. */
export interface CostSheetContext {
  agreement: TradeAgreement | undefined;
  ruleOf: RuleOf;
}

interface ItemContext {
  itemNo: number;
  product: ExportItem | undefined;
  /** the item's entry on the import-details tab and its index there */
  entry: { value: ImportItem; index: number } | undefined;
  criterion: OriginCriterion | undefined;
  rule: ValueContentRule | undefined;
  name: string;
}

function itemContext(itemNo: number, draft: ApplicationDraft, ctx: CostSheetContext): ItemContext {
  const product = draft.exportProducts?.items.find((i) => i.itemNo === itemNo);
  const index = draft.importDetails?.items.findIndex((e) => e.itemNo === itemNo) ?? -1;
  const entry = index >= 0 ? { value: draft.importDetails!.items[index]!, index } : undefined;
  const criterion = entry && ctx.agreement ? findCriterion(ctx.agreement, entry.value.preferenceCriterion) : undefined;
  const rule = criterion ? ctx.ruleOf(criterion.code) : undefined;
  const name = product ? `item ${itemNo} (${truncate(product.description)})` : `item ${itemNo}`;
  return { itemNo, product, entry, criterion, rule, name };
}

/**
 * Every cost sheet of the application, and every item whose criterion is measured on one but has none.
 * This is what submission checks (validateApplicationForSubmission).
 */
export function checkCostSheets(draft: ApplicationDraft, ctx: CostSheetContext): FieldProblem[] {
  const sheets = draft.costSheets ?? {};
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(sheets).sort((a, b) => Number(a) - Number(b))) {
    problems.push(...checkCostSheet(Number(key), sheets[key]!, draft, ctx));
  }
  for (const entry of draft.importDetails?.items ?? []) {
    if (sheets[String(entry.itemNo)] !== undefined) continue;
    const item = itemContext(entry.itemNo, draft, ctx);
    if (item.product === undefined || item.rule === undefined || item.criterion === undefined) continue;
    problems.push({
      path: `costSheets/${entry.itemNo}`,
      message: `${capitalise(item.name)} is claimed under ${item.criterion.code} (${item.criterion.label}), which is measured on a cost sheet: give the cost sheet of item ${entry.itemNo} (materials with their origin and value, labour, overheads, profit, ex-works price and FOB value)`,
    });
  }
  return problems;
}

/**
 * One cost sheet: its materials' origins, its totals, its FOB against the item's value, and what it computes
 * against the criterion claimed for the item on the import-details tab and the agreement's threshold. Each
 * disagreement is its own problem. Paths: `costSheets/<item number>/…`, or the claimed value's own field.
 */
export function checkCostSheet(itemNo: number, sheet: CostSheet, draft: ApplicationDraft, ctx: CostSheetContext): FieldProblem[] {
  const at = `costSheets/${itemNo}`;
  const item = itemContext(itemNo, draft, ctx);
  const problems: FieldProblem[] = [];
  if (draft.exportProducts !== undefined && item.product === undefined) {
    problems.push({ path: at, message: `There is a cost sheet for export item ${itemNo}, which is not in the export products: delete it or add the item` });
  }
  const of = `the cost sheet of ${item.name}`;
  const cumulation = item.rule?.cumulation ?? 'partners';
  const partners = ctx.agreement?.partnerCountries ?? [];
  const confersOrigin = (code: string) => code === 'IN' || (cumulation === 'partners' && partners.includes(code));

  sheet.originatingMaterials.forEach((m, j) => {
    const where = `${at}/originatingMaterials/${j}/countryOfOrigin`;
    const label = `Originating material ${j + 1} (${truncate(m.description)}) of ${of}`;
    if (m.countryOfOrigin === undefined) {
      problems.push({ path: where, message: `${label} has no country of origin: write IN for an Indian material${cumulation === 'partners' && partners.length > 0 ? ', or the partner country it comes from' : ''}` });
    } else if (!validOrigin(m.countryOfOrigin)) {
      problems.push({ path: where, message: `${label}: ${m.countryOfOrigin} is not an ISO 3166 country code` });
    } else if (ctx.agreement !== undefined && !confersOrigin(m.countryOfOrigin)) {
      const counted = cumulation === 'partners' && partners.length > 0 ? `Indian materials and those of ${partners.map((c) => `${countryName(c)} (${c})`).join(', ')}` : 'Indian materials';
      problems.push({
        path: where,
        message: `${label} is from ${describeOrigin(m.countryOfOrigin)}, which is not originating under ${item.criterion?.code ?? 'the criterion'} of ${ctx.agreement.title}: only ${counted} count as originating; list it among the non-originating materials`,
      });
    }
  });
  sheet.nonOriginatingMaterials.forEach((m, j) => {
    const where = `${at}/nonOriginatingMaterials/${j}/countryOfOrigin`;
    const label = `Non-originating material ${j + 1} (${truncate(m.description)}) of ${of}`;
    if (m.countryOfOrigin === undefined) {
      problems.push({ path: where, message: `${label} has no country of origin: give the country it comes from, or UNDETERMINED` });
    } else if (!validOrigin(m.countryOfOrigin)) {
      problems.push({ path: where, message: `${label}: ${m.countryOfOrigin} is not an ISO 3166 country code` });
    }
  });

  const figures = costSheetFigures(sheet);
  problems.push(...checkTotals(at, of, sheet, figures, item));
  problems.push(...checkAgainstImportDetails(at, sheet, figures, item));
  if (item.rule !== undefined && item.criterion !== undefined && ctx.agreement !== undefined) {
    problems.push(...checkAgainstRule(at, figures, item, item.rule, item.criterion, ctx.agreement));
  }
  return problems;
}

function checkTotals(at: string, of: string, sheet: CostSheet, f: CostSheetFigures, item: ItemContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (f.componentsTotal !== f.exWorks) {
    const other = sheet.otherCosts !== undefined ? ` + other costs ${formatRupees(f.otherCosts)}` : '';
    problems.push({
      path: `${at}/exWorks`,
      message: `${capitalise(of)} does not add up: materials ${formatRupees(f.originating + f.nonOriginating)} + labour ${formatRupees(f.labour)} + overheads ${formatRupees(f.overheads)} + profit ${formatRupees(f.profit)}${other} = ${formatRupees(f.componentsTotal)}, but the ex-works price is ${formatRupees(f.exWorks)} (difference ${formatRupees(abs(f.exWorks - f.componentsTotal))})`,
    });
  }
  if (f.exWorks + f.costsToPort !== f.fob) {
    problems.push({
      path: `${at}/fob`,
      message: `The FOB value of ${of} (${formatRupees(f.fob)}) is not its ex-works price ${formatRupees(f.exWorks)} + costs from the works to the port ${formatRupees(f.costsToPort)} = ${formatRupees(f.exWorks + f.costsToPort)}`,
    });
  }
  if (item.product !== undefined) {
    const itemValue = hundredths(item.product.valueInr);
    if (itemValue !== f.fob) {
      problems.push({
        path: `${at}/fob`,
        message: `The FOB value of ${of} (${formatRupees(f.fob)}) is not the item's value in INR on the Export Details tab (${formatRupees(itemValue)}): the cost sheet covers the whole quantity of the item on the invoice`,
      });
    }
  }
  return problems;
}

function checkAgainstImportDetails(at: string, sheet: CostSheet, f: CostSheetFigures, item: ItemContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const entry = item.entry?.value;
  if (entry === undefined) return problems;
  if (!entry.usesImportedOrUndeterminedMaterials) {
    sheet.nonOriginatingMaterials.forEach((m: CostSheetMaterial, j) => {
      if (m.countryOfOrigin === undefined || m.countryOfOrigin === 'IN') return;
      problems.push({
        path: `${at}/nonOriginatingMaterials/${j}`,
        message: `${capitalise(item.name)} is declared on the Import Details tab to use no imported or undetermined-origin materials, but its cost sheet lists non-originating material ${j + 1} (${truncate(m.description)}) from ${describeOrigin(m.countryOfOrigin)}; correct one of them`,
      });
    });
  }
  if (item.criterion?.excludesImportedMaterials === true && sheet.nonOriginatingMaterials.length > 0) {
    problems.push({
      path: `${at}/nonOriginatingMaterials`,
      message: `${capitalise(item.name)} is claimed under ${item.criterion.code} (${item.criterion.label}), which allows no non-originating materials, but its cost sheet lists ${sheet.nonOriginatingMaterials.length} worth ${formatRupees(f.nonOriginating)}`,
    });
  }
  return problems;
}

function checkAgainstRule(
  at: string,
  f: CostSheetFigures,
  item: ItemContext,
  rule: ValueContentRule,
  criterion: OriginCriterion,
  agreement: TradeAgreement,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const content = computeValueContent(f, rule);
  const computed = formatHundredths(shareHundredths(content.share));
  const threshold = hundredths(rule.thresholdPercent);
  const what = measureName(content);
  if (rule.measure === 'value-content' && compareShare(content.share, threshold) < 0) {
    problems.push({
      path: at,
      message: `The cost sheet of ${item.name} gives a ${what} of ${computed}% (${content.explanation}), below the ${formatPercent(threshold)}% that criterion ${criterion.code} of ${agreement.title} requires: the item does not qualify under ${criterion.code}`,
    });
  }
  if (rule.measure === 'non-originating-content' && compareShare(content.share, threshold) > 0) {
    problems.push({
      path: at,
      message: `The cost sheet of ${item.name} gives a ${what} of ${computed}% (${content.explanation}), above the ${formatPercent(threshold)}% that criterion ${criterion.code} of ${agreement.title} allows: the item does not qualify under ${criterion.code}`,
    });
  }
  if (content.nationalShare !== undefined && rule.nationalMinimumPercent !== undefined) {
    const national = hundredths(rule.nationalMinimumPercent);
    if (compareShare(content.nationalShare, national) < 0) {
      problems.push({
        path: at,
        message: `The cost sheet of ${item.name} gives an Indian content of ${formatHundredths(shareHundredths(content.nationalShare))}% (the partner countries' materials left out), below the ${formatPercent(national)}% that criterion ${criterion.code} of ${agreement.title} requires besides its ${formatPercent(threshold)}% cumulative content`,
      });
    }
  }
  const entry = item.entry!;
  const claimed = hundredths(entry.value.preferenceCriterionValuePercent);
  const tolerance = hundredths(rule.tolerancePercent);
  if (!withinTolerance(content.share, claimed, tolerance)) {
    problems.push({
      path: `importDetails/items/${entry.index}/preferenceCriterionValuePercent`,
      message: `${capitalise(item.name)} claims "${criterion.code} ${formatPercent(claimed)}%" on the Import Details tab, but its cost sheet gives a ${what} of ${computed}% (${content.explanation}); the claimed value may differ from it by at most ${formatPercent(tolerance)} percentage point${tolerance === 100n ? '' : 's'}: correct the claimed value or the cost sheet`,
    });
  }
  return problems;
}

/** One line of the application summary and of the officer's card: what is claimed and what the cost sheet gives. */
export interface CostSheetSummary {
  itemNo: number;
  description: string;
  /** the criterion and value claimed on the import-details tab, as on the certificate: "VA 42.5%" */
  claimed: string | null;
  costSheet: boolean;
  /** "value-content" (at least the threshold) or "non-originating-content" (at most); null without a rule */
  measure: ValueContentRule['measure'] | null;
  formula: ValueContentRule['formula'] | null;
  /** what the cost sheet gives, 2 decimals ("42.40"); null without a cost sheet */
  computedPercent: string | null;
  thresholdPercent: string | null;
  tolerancePercent: string | null;
  meetsThreshold: boolean | null;
  agreesWithClaim: boolean | null;
  /** the problems of this item's cost sheet (or its absence), as submission reports them */
  problems: FieldProblem[];
}

/**
 * The cost-sheet lines of an application: every export item whose criterion is measured on a cost sheet, and
 * every item that has one. Computed with the same functions the rules use.
 */
export function summarizeCostSheets(draft: ApplicationDraft, ctx: CostSheetContext): CostSheetSummary[] {
  const sheets = draft.costSheets ?? {};
  const itemNos = new Set<number>(Object.keys(sheets).map(Number));
  for (const entry of draft.importDetails?.items ?? []) {
    const item = itemContext(entry.itemNo, draft, ctx);
    if (item.rule !== undefined && item.product !== undefined) itemNos.add(entry.itemNo);
  }
  const all = checkCostSheets(draft, ctx);
  return [...itemNos]
    .sort((a, b) => a - b)
    .map((itemNo) => {
      const item = itemContext(itemNo, draft, ctx);
      const sheet = sheets[String(itemNo)];
      const entry = item.entry?.value;
      const rule = item.rule;
      const content = sheet ? computeValueContent(costSheetFigures(sheet), rule ?? DEFAULT_MEASUREMENT) : undefined;
      const threshold = rule ? hundredths(rule.thresholdPercent) : undefined;
      const claimPath = item.entry ? `importDetails/items/${item.entry.index}/preferenceCriterionValuePercent` : undefined;
      return {
        itemNo,
        description: item.product?.description ?? '',
        claimed: entry ? `${item.criterion?.code ?? entry.preferenceCriterion} ${formatPercent(hundredths(entry.preferenceCriterionValuePercent))}%` : null,
        costSheet: sheet !== undefined,
        measure: rule?.measure ?? null,
        formula: rule?.formula ?? null,
        computedPercent: content ? formatHundredths(shareHundredths(content.share)) : null,
        thresholdPercent: threshold === undefined ? null : formatPercent(threshold),
        tolerancePercent: rule ? formatPercent(hundredths(rule.tolerancePercent)) : null,
        meetsThreshold:
          content && rule && threshold !== undefined
            ? rule.measure === 'value-content'
              ? compareShare(content.share, threshold) >= 0
              : compareShare(content.share, threshold) <= 0
            : null,
        agreesWithClaim: content && rule && entry ? withinTolerance(content.share, hundredths(entry.preferenceCriterionValuePercent), hundredths(rule.tolerancePercent)) : null,
        problems: all.filter((p) => p.path === `costSheets/${itemNo}` || p.path.startsWith(`costSheets/${itemNo}/`) || p.path === claimPath),
      };
    });
}

function measureName(content: ValueContent): string {
  return content.measure === 'non-originating-content' ? 'non-originating content' : 'value content';
}

function validOrigin(code: string): boolean {
  return code === 'UNDETERMINED' || isCountryCode(code);
}

function describeOrigin(code: string): string {
  return code === 'UNDETERMINED' ? 'an undetermined origin' : `${countryName(code)} (${code})`;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}
