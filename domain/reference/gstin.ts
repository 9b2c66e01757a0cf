import { stateNameOfGstCode } from './indian-states.js';

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** PAN: five letters, four digits, one letter; the 4th letter is the holder's type (C company, F firm, P person…). */
export const PAN_PATTERN = /^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$/;

/** GSTIN: state code, PAN, entity number, "Z" (default), check character. */
export const GSTIN_PATTERN = /^[0-9]{2}[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/**
 * The GSTIN check character: a Luhn "mod 36" over the first 14 characters, factors 1,2,1,2…
 * from the left, each product split into quotient and remainder by 36.
 */
export function gstinCheckCharacter(first14: string): string {
  if (!/^[0-9A-Z]{14}$/.test(first14)) throw new Error('gstinCheckCharacter needs 14 characters 0-9/A-Z');
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const product = BASE36.indexOf(first14.charAt(i)) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return BASE36.charAt((36 - (sum % 36)) % 36);
}

/** Why a GSTIN is not valid, or undefined when it is. */
export function gstinProblem(gstin: string): string | undefined {
  if (!GSTIN_PATTERN.test(gstin)) {
    return `GSTIN "${gstin}" is not in the 15-character format: 2-digit state code, 10-character PAN, entity number, "Z", check character`;
  }
  if (stateNameOfGstCode(gstin.slice(0, 2)) === undefined) {
    return `GSTIN "${gstin}" starts with ${gstin.slice(0, 2)}, which is not a GST state code`;
  }
  const expected = gstinCheckCharacter(gstin.slice(0, 14));
  if (gstin.charAt(14) !== expected) {
    return `GSTIN "${gstin}" has a wrong check character (${gstin.charAt(14)}; expected ${expected}): it was probably mistyped`;
  }
  return undefined;
}

export function isValidGstin(gstin: string): boolean {
  return gstinProblem(gstin) === undefined;
}

/** The PAN embedded in a GSTIN (characters 3 to 12). */
export function panOfGstin(gstin: string): string {
  return gstin.slice(2, 12);
}
