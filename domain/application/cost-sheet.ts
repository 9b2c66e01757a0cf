import type { ValueContentRule } from '../reference/types.js';
import type { CostSheet } from './schemas.js';

/**
 * The arithmetic of a cost sheet (seed 002 IV "Cost Sheet Digitization"): amounts in whole paise and
 * percentages in hundredths of a percent, both as bigint, so that sums and comparisons are exact. A
 * percentage is kept as the fraction it is (numerator / FOB) until it is compared or shown; only the
 * figure shown is rounded (half up, to 2 decimals).
 */

/**
 * A decimal number × 100, exactly when it has at most 2 decimals (rupees → paise, 42.5% → 4250
 * hundredths); more decimals round half up on the digits as written (0.125 → 13), never through a float product.
 */
export function hundredths(value: number): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  const text = String(Math.abs(value));
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  const sign = value < 0 ? -1n : 1n;
  if (m === null) return sign * BigInt(Math.round(Math.abs(value) * 100)); // exponent notation: below 1e-7 or above 1e21
  const fraction = (m[2] ?? '').padEnd(3, '0');
  const roundUp = Number(fraction[2]) >= 5 ? 1n : 0n;
  return sign * (BigInt(m[1]!) * 100n + BigInt(fraction.slice(0, 2)) + roundUp);
}

/** A share of the FOB value: numerator / denominator, × 100 for a percentage. */
export interface Share {
  numerator: bigint;
  denominator: bigint;
}

/** The share in hundredths of a percent, rounded half up (away from zero): 178292 / 420500 → 4240 (42.40%). */
export function shareHundredths(share: Share): bigint {
  const scaled = share.numerator * 10_000n;
  const negative = scaled < 0n !== share.denominator < 0n;
  const num = scaled < 0n ? -scaled : scaled;
  const den = share.denominator < 0n ? -share.denominator : share.denominator;
  const rounded = (2n * num + den) / (2n * den);
  return negative ? -rounded : rounded;
}

/** -1, 0 or 1 as the share is below, at or above a percentage given in hundredths; exact. */
export function compareShare(share: Share, percentHundredths: bigint): -1 | 0 | 1 {
  const left = share.numerator * 10_000n;
  const right = percentHundredths * share.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Whether a percentage (hundredths) is within `tolerance` (hundredths) of the share; exact. */
export function withinTolerance(share: Share, percentHundredths: bigint, toleranceHundredths: bigint): boolean {
  const diff = share.numerator * 10_000n - percentHundredths * share.denominator;
  const abs = diff < 0n ? -diff : diff;
  return abs <= toleranceHundredths * share.denominator;
}

/** "42.40" from 4240; "-3.05" from -305. */
export function formatHundredths(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A percentage as people write it: "40", "42.5", "42.48". */
export function formatPercent(value: bigint): string {
  return formatHundredths(value).replace(/\.00$/, '').replace(/(\.[0-9])0$/, '$1');
}

/** Rupees with Indian digit grouping: 42050000n → "₹4,20,500.00". */
export function formatRupees(paise: bigint): string {
  const negative = paise < 0n;
  const abs = negative ? -paise : paise;
  const whole = (abs / 100n).toString();
  const last3 = whole.slice(-3);
  const rest = whole.slice(0, -3);
  const grouped = rest ? `${rest.replace(/\B(?=([0-9]{2})+$)/g, ',')},${last3}` : last3;
  return `${negative ? '-' : ''}₹${grouped}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** The cost sheet's amounts in paise, and its materials split by what counts as originating. */
export interface CostSheetFigures {
  originating: bigint;
  /** originating materials from a partner country (cumulation), part of `originating` */
  partnerOriginating: bigint;
  nonOriginating: bigint;
  labour: bigint;
  overheads: bigint;
  profit: bigint;
  otherCosts: bigint;
  /** materials + labour + overheads + profit + other costs: what the ex-works price should be */
  componentsTotal: bigint;
  exWorks: bigint;
  costsToPort: bigint;
  fob: bigint;
}

export function costSheetFigures(sheet: CostSheet): CostSheetFigures {
  const sum = (values: number[]) => values.reduce((total, v) => total + hundredths(v), 0n);
  const originating = sum(sheet.originatingMaterials.map((m) => m.valueInr));
  const partnerOriginating = sum(
    sheet.originatingMaterials.filter((m) => m.countryOfOrigin !== undefined && m.countryOfOrigin !== 'IN').map((m) => m.valueInr),
  );
  const nonOriginating = sum(sheet.nonOriginatingMaterials.map((m) => m.valueInr));
  const labour = hundredths(sheet.labour);
  const overheads = hundredths(sheet.overheads);
  const profit = hundredths(sheet.profit);
  const otherCosts = hundredths(sheet.otherCosts ?? 0);
  return {
    originating,
    partnerOriginating,
    nonOriginating,
    labour,
    overheads,
    profit,
    otherCosts,
    componentsTotal: originating + nonOriginating + labour + overheads + profit + otherCosts,
    exWorks: hundredths(sheet.exWorks),
    costsToPort: hundredths(sheet.costsToPort ?? 0),
    fob: hundredths(sheet.fob),
  };
}

/** How a criterion is measured when the agreement gives no rule for it: the build-down value content, national. */
export const DEFAULT_MEASUREMENT: Pick<ValueContentRule, 'measure' | 'formula' | 'cumulation'> = {
  measure: 'value-content',
  formula: 'build-down',
  cumulation: 'national',
};

export interface ValueContent {
  measure: ValueContentRule['measure'];
  formula: ValueContentRule['formula'];
  /** the measured share of the FOB value */
  share: Share;
  /** the Indian content alone (partner materials left out), for a rule with a national minimum */
  nationalShare?: Share;
  /** the formula with the sheet's figures, for messages: "(FOB ₹4,20,500.00 − non-originating materials ₹2,42,208.00) / FOB" */
  explanation: string;
}

/**
 * The regional (or domestic) value content of a cost sheet as the rule defines it:
 * - value content, build-down: (FOB − non-originating materials) / FOB;
 * - value content, build-up: (originating materials + labour + overheads + profit + other costs + costs to the port) / FOB;
 * - non-originating content: non-originating materials / FOB.
 * With totals that add up both value-content formulas give the same share; they differ only on a sheet
 * whose totals do not (which is refused by its own rule).
 */
export function computeValueContent(figures: CostSheetFigures, rule: Pick<ValueContentRule, 'measure' | 'formula' | 'cumulation' | 'nationalMinimumPercent'>): ValueContent {
  const fob = figures.fob;
  if (rule.measure === 'non-originating-content') {
    return {
      measure: rule.measure,
      formula: rule.formula,
      share: { numerator: figures.nonOriginating, denominator: fob },
      explanation: `non-originating materials ${formatRupees(figures.nonOriginating)} / FOB ${formatRupees(fob)}`,
    };
  }
  const buildUp = figures.originating + figures.labour + figures.overheads + figures.profit + figures.otherCosts + figures.costsToPort;
  const numerator = rule.formula === 'build-down' ? fob - figures.nonOriginating : buildUp;
  const explanation =
    rule.formula === 'build-down'
      ? `(FOB ${formatRupees(fob)} − non-originating materials ${formatRupees(figures.nonOriginating)}) / FOB`
      : `(originating materials ${formatRupees(figures.originating)} + labour ${formatRupees(figures.labour)} + overheads ${formatRupees(figures.overheads)} + profit ${formatRupees(figures.profit)} + other costs ${formatRupees(figures.otherCosts + figures.costsToPort)}) / FOB ${formatRupees(fob)}`;
  return {
    measure: rule.measure,
    formula: rule.formula,
    share: { numerator, denominator: fob },
    ...(rule.nationalMinimumPercent !== undefined ? { nationalShare: { numerator: numerator - figures.partnerOriginating, denominator: fob } } : {}),
    explanation,
  };
}
