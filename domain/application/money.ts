/**
 * Amounts on an application are decimal numbers as typed (1500.0 USD, rate 90.0). Sums and
 * comparisons are done in integer minor units so that 0.1 + 0.2 adds up.
 */

/** Number of decimal places written in a number (1.5 → 1, 2e-7 → 7). */
export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const text = String(value);
  const exp = /e([+-][0-9]+)$/i.exec(text);
  const mantissa = exp === null ? text : text.slice(0, exp.index);
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  const shift = exp?.[1] === undefined ? 0 : Number(exp[1]);
  return Math.max(0, fraction - shift);
}

/** The amount in integer minor units (1500.25 with 2 minor units → 150025). */
export function toMinor(value: number, minorUnits: number): number {
  return Math.round(value * 10 ** minorUnits);
}

/**
 * Rounds half up (away from zero) at a number of decimals, on the decimal value as written:
 * 125.175 → 125.18, although 125.175 * 100 is 12517.499… in binary floating point.
 */
export function roundHalfUp(value: number, decimals: number): number {
  const clean = Number(value.toPrecision(12));
  const abs = Math.abs(clean);
  const text = String(abs);
  const rounded = text.includes('e')
    ? Math.round(abs * 10 ** decimals) / 10 ** decimals
    : Number(`${Math.round(Number(`${text}e${decimals}`))}e-${decimals}`);
  return clean < 0 ? -rounded : rounded;
}

export function formatAmount(value: number, minorUnits = 2): string {
  return roundHalfUp(value, minorUnits).toFixed(minorUnits);
}

/**
 * Tolerance when a converted amount (value × exchange rate) is compared with the amount the
 * exporter typed: 0.1% of the computed amount, and never less than one minor unit (0.01).
 * Rates are often typed with 2-4 decimals while the exporter's own system used more, and each
 * amount is rounded to the cent; 0.1% absorbs that and still catches a mistyped digit. The
 * tolerance itself is rounded half up to the minor unit, so the figure in a message is the rule.
 */
export const CONVERSION_RELATIVE_TOLERANCE = 0.001;

export function conversionTolerance(expected: number, minorUnits = 2): number {
  return Math.max(10 ** -minorUnits, roundHalfUp(Math.abs(expected) * CONVERSION_RELATIVE_TOLERANCE, minorUnits));
}

/** Whether `declared` is `expected` within the conversion tolerance. */
export function matchesConversion(declared: number, expected: number, minorUnits = 2): boolean {
  // a hair of slack so that a difference of exactly the tolerance is not lost to binary floats
  return Math.abs(declared - expected) <= conversionTolerance(expected, minorUnits) + 1e-9;
}
