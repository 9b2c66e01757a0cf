import { AppError, ErrorCode } from '../../lib/errors.js';
import { indianDateOf, isIsoDate } from '../application/financial-year.js';

/**
 * Certificate numbers, modelled on seed 001's legacy numbers:
 *
 *   MPEDA / 2019 / 013 / 0000081 A                 original
 *   DGFT  / 2019 / 008 / 0000059 A / 00000003      duplicate (in-lieu) of DGFT/2019/008/0000059A
 *
 * - agency code; calendar year of issue (MPEDA/2019/013/0000069A is dated 30-03-2019 and
 *   …0000075A 05-04-2019: the year does not turn on 1 April, so it is not the financial year);
 * - the agreement's 3-digit code (013 ASEAN-India, 002 IKCEPA, 008 SAPTA, 015 APTA, 004 GSTP,
 *   006 GSP in the seeds; reference-data.json assigns codes to the others);
 * - a 7-digit running number per agency and year: EIC/2019/006/0000033A, …/013/0000034A,
 *   …/002/0000035A, …/004/0000036A are consecutive across agreements;
 * - a series letter, "A" in every seed number: new numbers use "A", parsing accepts any letter;
 * - a duplicate adds "/" and an 8-digit running number of the duplicates of that original.
 * No check character: the seed format has none, and the public verification shows the whole
 * certificate (exporter, importer, goods), so a mistyped number that hits another certificate is
 * seen at once.
 */

const PATTERN = /^([A-Z]{2,10})\/([0-9]{4})\/([0-9]{3})\/([0-9]{7})([A-Z])(?:\/([0-9]{8}))?$/;
const EXAMPLE = 'MPEDA/2019/013/0000081A';

export interface CertificateNumber {
  agencyCode: string;
  year: number;
  agreementNumericCode: string;
  sequence: number;
  series: string;
  /** Set for a duplicate: its running number among the duplicates of the original. */
  duplicateSequence: number | undefined;
  /** The original certificate's number (itself, for an original). */
  original: string;
  /** The number as written, normalised. */
  text: string;
}

export interface CertificateNumberParts {
  agencyCode: string;
  /** Date of issue: a YYYY-MM-DD date, or an instant read in India's time zone. */
  issuedOn: string | Date;
  agreementNumericCode: string;
  sequence: number;
}

/**
 * The calendar year a certificate issued at that moment is numbered in: India's date, as printed on the
 * certificate (a certificate issued at 00:01 IST on 1 January, still 31 December in UTC, is of the new year).
 */
export function certificateYearOf(issuedOn: string | Date): number {
  const date = typeof issuedOn === 'string' ? issuedOn : indianDateOf(issuedOn);
  if (!isIsoDate(date)) throw new AppError(ErrorCode.Internal, `"${date}" is not a date`);
  return Number(date.slice(0, 4));
}

/**
 * The name of the running-number counter of an agency's certificates: one per agency and year, the same
 * year as the number it is formatted into ({@link certificateYearOf}), so two certificates never share a number.
 */
export function certificateSequenceKey(agencyCode: string, issuedOn: string | Date): string {
  return `certificate/${agencyCode}/${certificateYearOf(issuedOn)}`;
}

export function formatCertificateNumber(parts: CertificateNumberParts): string {
  if (!/^[A-Z]{2,10}$/.test(parts.agencyCode)) {
    throw new AppError(ErrorCode.Internal, `Agency code "${parts.agencyCode}" must be 2-10 capital letters`);
  }
  if (!/^[0-9]{3}$/.test(parts.agreementNumericCode)) {
    throw new AppError(ErrorCode.Internal, `Agreement code "${parts.agreementNumericCode}" must be 3 digits`);
  }
  return `${parts.agencyCode}/${certificateYearOf(parts.issuedOn)}/${parts.agreementNumericCode}/${digits(parts.sequence, 7, 'certificate')}A`;
}

/** The number of a duplicate: always derived from the original, also when asked from a duplicate. */
export function formatDuplicateNumber(certificateNumber: string, duplicateSequence: number): string {
  const parsed = parseCertificateNumber(certificateNumber);
  return `${parsed.original}/${digits(duplicateSequence, 8, 'duplicate')}`;
}

/**
 * Reads a certificate number as typed on the verification page (spaces and case are forgiven);
 * throws an AppError naming the part that is wrong.
 */
export function parseCertificateNumber(input: string): CertificateNumber {
  const text = normaliseCertificateNumber(input);
  const m = PATTERN.exec(text);
  if (m === null) throw malformed(input, diagnose(text));
  const [, agencyCode = '', year = '', code = '', seq = '', series = '', dup] = m;
  const sequence = Number(seq);
  if (sequence === 0) throw malformed(input, 'its running number is 0000000; numbering starts at 1');
  const duplicateSequence = dup === undefined ? undefined : Number(dup);
  if (duplicateSequence === 0) throw malformed(input, 'its duplicate number is 00000000; duplicates are numbered from 1');
  const original = `${agencyCode}/${year}/${code}/${seq}${series}`;
  return {
    agencyCode,
    year: Number(year),
    agreementNumericCode: code,
    sequence,
    series,
    duplicateSequence,
    original,
    text,
  };
}

export function isCertificateNumber(input: string): boolean {
  try {
    parseCertificateNumber(input);
    return true;
  } catch {
    return false;
  }
}

/** Upper case, without spaces: "mpeda / 2019/013/0000081a" → "MPEDA/2019/013/0000081A". */
export function normaliseCertificateNumber(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

function digits(n: number, width: number, what: string): string {
  if (!Number.isSafeInteger(n) || n < 1 || n >= 10 ** width) {
    throw new AppError(ErrorCode.Internal, `Running number ${n} does not fit a ${what} number (1 to ${10 ** width - 1})`);
  }
  return String(n).padStart(width, '0');
}

function diagnose(text: string): string {
  if (text.length === 0) return 'it is empty';
  const parts = text.split('/');
  if (parts.length < 4 || parts.length > 5) {
    return `it has ${parts.length} part${parts.length === 1 ? '' : 's'} separated by "/", a certificate number has 4 (or 5 for a duplicate)`;
  }
  const [agency = '', year = '', code = '', seq = '', dup] = parts;
  if (!/^[A-Z]{2,10}$/.test(agency)) return `"${agency}" is not an agency code (2-10 letters, e.g. EIC, MPEDA)`;
  if (!/^[0-9]{4}$/.test(year)) return `"${year}" is not a year (4 digits)`;
  if (!/^[0-9]{3}$/.test(code)) return `"${code}" is not an agreement code (3 digits, e.g. 013)`;
  if (!/^[0-9]{7}[A-Z]$/.test(seq)) return `"${seq}" is not a running number (7 digits and a letter, e.g. 0000081A)`;
  if (dup !== undefined && !/^[0-9]{8}$/.test(dup)) return `"${dup}" is not a duplicate number (8 digits, e.g. 00000003)`;
  return 'it is not in the expected form';
}

function malformed(input: string, why: string): AppError {
  const message = `"${input}" is not a certificate number: ${why} (expected e.g. ${EXAMPLE})`;
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path: 'certificateNumber', message }] });
}
