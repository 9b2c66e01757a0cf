import { AppError, ErrorCode } from '../../lib/errors.js';
import type { NameAttribute } from './parse-certificate.js';

/**
 * Where the IEC sits in a DSC's subject. DGFT-type DSCs carry it as a subject attribute; the test PKI and
 * the default rule use OU (2.5.4.11) holding the bare 10-character code ("AAACR5055K"), and the default
 * pattern also accepts a labelled value ("IEC:AAACR5055K", "IEC-AAACR5055K", "IEC AAACR5055K").
 * A CA that uses another attribute is handled by configuration (OID + pattern), not code.
 */
export interface IecRule {
  /** Subject attribute OID to look in, e.g. 2.5.4.11 (OU), 2.5.4.5 (serialNumber), 2.5.4.10 (O). */
  oid: string;
  /** Applied to each value of that attribute; capture group 1 is the IEC. */
  pattern: RegExp;
}

export const DEFAULT_IEC_RULE: IecRule = {
  oid: '2.5.4.11',
  pattern: /^\s*(?:IEC\s*[:=-]?\s*)?([A-Z0-9]{10})\s*$/i,
};

/** Builds a rule from configuration strings (e.g. DSC_IEC_OID, DSC_IEC_PATTERN), failing fast on bad values. */
export function iecRuleFromConfig(oid?: string, pattern?: string): IecRule {
  const o = oid?.trim() || DEFAULT_IEC_RULE.oid;
  if (!/^\d+(\.\d+)+$/.test(o)) throw new AppError(ErrorCode.ValidationFailed, `IEC attribute OID "${o}" is not a dotted OID`);
  if (!pattern?.trim()) return { oid: o, pattern: DEFAULT_IEC_RULE.pattern };
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'i');
  } catch (e) {
    throw new AppError(ErrorCode.ValidationFailed, `IEC pattern is not a valid regular expression: ${pattern}`, { cause: e });
  }
  if (!/\((?!\?)/.test(pattern)) throw new AppError(ErrorCode.ValidationFailed, 'IEC pattern needs a capture group for the IEC');
  return { oid: o, pattern: re };
}

/** Every IEC found in the subject under the rule (upper-cased), in subject order. */
export function extractIecs(subject: NameAttribute[], rule: IecRule = DEFAULT_IEC_RULE): string[] {
  const found: string[] = [];
  for (const a of subject) {
    if (a.oid !== rule.oid) continue;
    const m = rule.pattern.exec(a.value);
    const iec = m?.[1]?.toUpperCase();
    if (iec && !found.includes(iec)) found.push(iec);
  }
  return found;
}
