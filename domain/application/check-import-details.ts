import type { FieldProblem } from '../../lib/errors.js';
import { countryName, isCountryCode } from '../reference/countries.js';
import { currencyMinorUnits } from '../reference/currencies.js';
import type { OriginCriterion, TradeAgreement } from '../reference/types.js';
import { formatIndianDate } from './financial-year.js';
import { conversionTolerance, formatAmount, matchesConversion } from './money.js';
import type { ExportProducts, ImportDetails, RawMaterial } from './schemas.js';

const P = 'importDetails/items';

/**
 * Tab 4: one entry per export item; its preference criterion is one of the agreement's (see the
 * originCriteria of reference-data.json) with a value of 0-100% meeting the criterion's minimum;
 * the raw materials agree with the "imported or undetermined origin materials used" answer and
 * with the criterion; raw materials are required for preferential certificates unless the goods
 * are wholly obtained; each raw material's total CIF = quantity × unit CIF.
 */
export function checkImportDetails(
  imports: ImportDetails,
  products: ExportProducts,
  agreement: TradeAgreement,
  today: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const exportItems = new Map(products.items.map((it) => [it.itemNo, it]));
  const seen = new Set<number>();

  imports.items.forEach((entry, i) => {
    const at = `${P}/${i}`;
    const product = exportItems.get(entry.itemNo);
    if (product === undefined) {
      problems.push({ path: `${at}/itemNo`, message: `Import details refer to export item ${entry.itemNo}, which is not in the export products` });
      return;
    }
    if (seen.has(entry.itemNo)) {
      problems.push({ path: `${at}/itemNo`, message: `Export item ${entry.itemNo} has import details twice` });
      return;
    }
    seen.add(entry.itemNo);
    const name = `item ${entry.itemNo} (${truncate(product.description)})`;

    const criterion = findCriterion(agreement, entry.preferenceCriterion);
    if (criterion === undefined) {
      const codes = agreement.originCriteria.map((c) => `${c.code} (${c.label})`).join(', ');
      problems.push({
        path: `${at}/preferenceCriterion`,
        message: `Preference criterion "${entry.preferenceCriterion}" is not used under ${agreement.title}; choose one of ${codes}`,
      });
    }
    const value = entry.preferenceCriterionValuePercent;
    if (!(value >= 0 && value <= 100)) {
      problems.push({ path: `${at}/preferenceCriterionValuePercent`, message: 'Preference criterion value must be between 0 and 100%' });
    } else if (criterion?.minimumPercent !== undefined && value < criterion.minimumPercent) {
      problems.push({
        path: `${at}/preferenceCriterionValuePercent`,
        message: `Criterion ${criterion.code} under ${agreement.title} needs a value of at least ${criterion.minimumPercent}% (${name} has ${value}%)`,
      });
    } else if (criterion?.valueRequired === true && value === 0) {
      problems.push({
        path: `${at}/preferenceCriterionValuePercent`,
        message: `Criterion ${criterion.code} (${criterion.label}) needs its value in %; enter it for ${name}`,
      });
    }

    const foreign = entry.rawMaterials
      .map((m, j) => ({ m, j }))
      .filter(({ m }) => m.countryOfOrigin !== 'IN');
    if (entry.usesImportedOrUndeterminedMaterials && foreign.length === 0) {
      problems.push({
        path: `${at}/rawMaterials`,
        message: `${capitalise(name)} is declared to use imported or undetermined-origin materials: list them with their country of origin (or UNDETERMINED)`,
      });
    }
    if (!entry.usesImportedOrUndeterminedMaterials) {
      for (const { m, j } of foreign) {
        problems.push({
          path: `${at}/rawMaterials/${j}/countryOfOrigin`,
          message: `${capitalise(name)} is declared to use no imported or undetermined-origin materials, but raw material ${j + 1} (${truncate(m.description)}) is from ${describeOrigin(m.countryOfOrigin)}; answer "Yes" or correct its origin`,
        });
      }
    }
    if (criterion?.excludesImportedMaterials === true && (entry.usesImportedOrUndeterminedMaterials || foreign.length > 0)) {
      problems.push({
        path: `${at}/preferenceCriterion`,
        message: `${capitalise(name)} is claimed under ${criterion.code} (${criterion.label}) but uses imported or undetermined-origin materials; choose another criterion or correct the raw materials`,
      });
    }
    if (agreement.preferential && criterion !== undefined && !criterion.excludesImportedMaterials && entry.rawMaterials.length === 0) {
      problems.push({
        path: `${at}/rawMaterials`,
        message: `List the raw materials used to make ${name}: they are required for a preferential certificate unless the goods are wholly obtained`,
      });
    }
    entry.rawMaterials.forEach((m, j) => problems.push(...checkRawMaterial(m, `${at}/rawMaterials/${j}`, `Raw material ${j + 1} of ${name}`, today)));
  });

  for (const item of products.items) {
    if (!imports.items.some((e) => e.itemNo === item.itemNo)) {
      problems.push({
        path: P,
        message: `Export item ${item.itemNo} (${truncate(item.description)}) has no import details: give its preference criterion and raw materials`,
      });
    }
  }
  return problems;
}

export function findCriterion(agreement: TradeAgreement, code: string): OriginCriterion | undefined {
  return agreement.originCriteria.find((c) => c.code.toUpperCase() === code.toUpperCase());
}

function checkRawMaterial(m: RawMaterial, at: string, label: string, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const minor = currencyMinorUnits(m.currency);
  if (minor === undefined) {
    problems.push({ path: `${at}/currency`, message: `${label}: ${m.currency} is not an accepted currency` });
  }
  if (m.countryOfOrigin !== 'UNDETERMINED' && !isCountryCode(m.countryOfOrigin)) {
    problems.push({ path: `${at}/countryOfOrigin`, message: `${label}: ${m.countryOfOrigin} is not an ISO 3166 country code` });
  }
  const expected = m.quantity * m.unitCifValue;
  if (!matchesConversion(m.totalCifValue, expected, minor ?? 2)) {
    problems.push({
      path: `${at}/totalCifValue`,
      message: `${label}: total CIF value ${m.totalCifValue} ${m.currency} does not match quantity ${m.quantity} × unit CIF ${m.unitCifValue} = ${formatAmount(expected, minor ?? 2)} ${m.currency} (allowed difference ${formatAmount(conversionTolerance(expected, minor ?? 2), minor ?? 2)})`,
    });
  }
  if (m.billOfEntryOrInvoiceDate > today) {
    problems.push({
      path: `${at}/billOfEntryOrInvoiceDate`,
      message: `${label}: bill of entry / invoice date ${formatIndianDate(m.billOfEntryOrInvoiceDate)} is in the future`,
    });
  }
  return problems;
}

function describeOrigin(code: string): string {
  return code === 'UNDETERMINED' ? 'an undetermined origin' : `${countryName(code)} (${code})`;
}

/** The start of a description for a message, cut at a word. */
export function truncate(text: string, max = 40): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
