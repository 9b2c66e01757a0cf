import type { FieldProblem } from '../../lib/errors.js';

/**
 * The agency's payment gateway parameters, checked as DGFT's trade notice warns (seed 002 §3.I.iii:
 * "accurately mapped without any spaces or extra characters … ensure these fields are not left empty"):
 * each mistake with its own message, naming the field and what to do. A Merchant ID is letters and
 * digits; a checksum key letters, digits and - _ + / = (what gateways issue as keys, base64 included).
 */
export interface GatewayParameters {
  merchantId: string;
  checksumKey: string;
}

const FIELDS = {
  merchantId: { label: 'Merchant ID', allowed: /^[A-Za-z0-9]$/u, allowedText: 'letters and digits only', max: 40 },
  checksumKey: { label: 'Checksum key', allowed: /^[A-Za-z0-9_+/=-]$/u, allowedText: 'letters, digits and - _ + / = only', max: 128 },
} as const;

/** How a character is named in a message: visible ones quoted, the invisible ones by name and code point. */
function describe(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === '\t') return `a tab (${hex})`;
  if (ch === '\n' || ch === '\r') return `a line break (${hex})`;
  if (/\p{Cc}|\p{Cf}|\p{Zs}/u.test(ch)) return `an invisible character (${hex})`;
  if (ch === '"') return `a double quote (${hex})`;
  if (ch === "'") return `an apostrophe (${hex})`;
  return `"${ch}" (${hex})`;
}

export function checkGatewayParameters(input: Partial<Record<keyof GatewayParameters, unknown>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(FIELDS) as (keyof GatewayParameters)[]) {
    const f = FIELDS[key];
    const value = input[key];
    if (value === undefined || value === null || (typeof value === 'string' && value.length === 0)) {
      problems.push({ path: key, message: `${f.label} is empty: enter the ${f.label} the payment gateway gave the agency; an empty one makes every exporter's payment fail` });
      continue;
    }
    if (typeof value !== 'string') {
      problems.push({ path: key, message: `${f.label} must be text` });
      continue;
    }
    const chars = [...value];
    const space = chars.findIndex((c) => c === ' ' || c === '\u00a0');
    if (space >= 0) {
      const where = space === 0 ? 'at the start' : space === chars.length - 1 ? 'at the end' : `at position ${space + 1}`;
      problems.push({ path: key, message: `${f.label} contains a space ${where}: enter it without spaces, exactly as the payment gateway issued it` });
      continue;
    }
    const extra = chars.findIndex((c) => !f.allowed.test(c));
    if (extra >= 0) {
      problems.push({
        path: key,
        message: `${f.label} contains ${describe(chars[extra]!)} at position ${extra + 1}, which a ${f.label} never has (${f.allowedText}): copy it again from the gateway's merchant panel`,
      });
      continue;
    }
    if (chars.length > f.max) problems.push({ path: key, message: `${f.label} has ${chars.length} characters, more than the ${f.max} a ${f.label} can have` });
  }
  return problems;
}

/** The last four characters, all that is ever shown of a stored secret. */
export function lastFour(secret: string): string {
  return [...secret].slice(-4).join('');
}

/** Where parameters apply: an agency (every office without its own), or one office. */
export type CredentialScope = { agencyCode: string; officeCode?: undefined } | { agencyCode: string; officeCode: string };

export function gatewayScopeKey(s: CredentialScope): string {
  return s.officeCode ? `office:${s.officeCode}` : `agency:${s.agencyCode}`;
}
