import { AppError, ErrorCode } from '../../lib/errors.js';
import { financialYearOf, type FinancialYear } from '../application/financial-year.js';

/**
 * Draft and file numbers of Trade Connect applications, modelled on seed 004:
 *
 *   DRAFT COO APPLY 00229268 AM25      draft, saved before submission
 *   HQRC  CO  APPLY 00000019 AM25      file, given after payment
 *
 * - "DRAFT" marks a draft (it has no office yet); a file number starts with the 4-letter code of
 *   the office it was submitted to (HQRC in the seed, read as DGFT's headquarters; each office has
 *   its own fileNumberPrefix in reference-data.json).
 * - "COO"/"CO" + "APPLY": DGFT's process and sub-process ("Application process -> COO
 *   Application, Sub process -> Apply COO" on the seed's screen). The seed writes COO in the
 *   draft number and CO in the file number; both are kept as the seed shows them.
 * - 8 digits: the running number. The seed's drafts are numbered nationally (229268), its files
 *   per office and year (19): the caller's sequences should be scoped the same way.
 * - "AM25": the licensing year April-March ending in 2025, i.e. financial year 2024-25 (DGFT
 *   writes its years "AM-19"; the seed's drafts are from August-September 2024).
 * No check character: the seed's numbers have none, and they are picked from lists, not typed.
 */

const SEQUENCE_DIGITS = 8;
const MAX_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;
const DRAFT_HEAD = 'DRAFTCOOAPPLY';
const FILE_PROCESS = 'COAPPLY';
/**
 * Requests for a duplicate or an in-lieu certificate (seed 001's "Duplicate/In-lieu Certificate for CoO")
 * are files of their own sub-process, DUPL: DRAFTCOODUPL00000001AM27, then EIMUCODUPL00000001AM27.
 */
const REQUEST_DRAFT_HEAD = 'DRAFTCOODUPL';
const REQUEST_FILE_PROCESS = 'CODUPL';
const PATTERN = /^(?:DRAFTCOO(APPLY|DUPL)|([A-Z]{4})CO(APPLY|DUPL))([0-9]{8})AM([0-9]{2})$/;

export interface ApplicationNumber {
  kind: 'draft' | 'file';
  /** APPLY: a CoO application; DUPL: a request for a duplicate / in-lieu certificate */
  process: 'APPLY' | 'DUPL';
  /** The office's 4-letter prefix for a file number; undefined for a draft. */
  officePrefix: string | undefined;
  sequence: number;
  financialYear: FinancialYear;
  /** The number as written. */
  text: string;
}

/** "AM25" for any date in financial year 2024-25. */
export function licensingYearCode(date: string | Date): string {
  return `AM${String(financialYearOf(date).endYear % 100).padStart(2, '0')}`;
}

export function formatDraftNumber(sequence: number, createdOn: string | Date): string {
  return `${DRAFT_HEAD}${sequenceText(sequence)}${licensingYearCode(createdOn)}`;
}

export function formatFileNumber(officePrefix: string, sequence: number, submittedOn: string | Date, process: 'APPLY' | 'DUPL' = 'APPLY'): string {
  if (!/^[A-Z]{4}$/.test(officePrefix)) {
    throw new AppError(ErrorCode.Internal, `Office prefix "${officePrefix}" must be 4 capital letters`);
  }
  return `${officePrefix}${process === 'APPLY' ? FILE_PROCESS : REQUEST_FILE_PROCESS}${sequenceText(sequence)}${licensingYearCode(submittedOn)}`;
}

/** The number of a request for a duplicate / in-lieu certificate, from its creation (the workflow ID derives from it). */
export function formatRequestNumber(sequence: number, createdOn: string | Date): string {
  return `${REQUEST_DRAFT_HEAD}${sequenceText(sequence)}${licensingYearCode(createdOn)}`;
}

/** Reads a draft or file number; throws an AppError saying what is wrong with a malformed one. */
export function parseApplicationNumber(input: string): ApplicationNumber {
  const text = input.trim().toUpperCase();
  const m = PATTERN.exec(text);
  if (m === null) throw malformed(input, diagnose(text));
  const [, draftProcess, office, fileProcess, digits = '', yy = ''] = m;
  const sequence = Number(digits);
  if (sequence === 0) throw malformed(input, 'its running number is 00000000; numbering starts at 1');
  const endYear = 2000 + Number(yy);
  return {
    kind: office === undefined ? 'draft' : 'file',
    process: (draftProcess ?? fileProcess) === 'DUPL' ? 'DUPL' : 'APPLY',
    officePrefix: office,
    sequence,
    financialYear: financialYearOf(`${endYear - 1}-04-01`),
    text,
  };
}

export function parseDraftNumber(input: string): ApplicationNumber {
  const n = parseApplicationNumber(input);
  if (n.kind !== 'draft') throw malformed(input, 'it is a file number, not a draft number (a draft number starts with DRAFT)');
  return n;
}

export function parseFileNumber(input: string): ApplicationNumber {
  const n = parseApplicationNumber(input);
  if (n.kind !== 'file') throw malformed(input, 'it is a draft number; a file number starts with the office code, e.g. HQRCCOAPPLY00000019AM25');
  return n;
}

export function isApplicationNumber(input: string): boolean {
  try {
    parseApplicationNumber(input);
    return true;
  } catch {
    return false;
  }
}

function sequenceText(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_SEQUENCE) {
    throw new AppError(ErrorCode.Internal, `Running number ${sequence} does not fit an application number (1 to ${MAX_SEQUENCE})`);
  }
  return String(sequence).padStart(SEQUENCE_DIGITS, '0');
}

function diagnose(text: string): string {
  if (text.length === 0) return 'it is empty';
  let tail: string;
  if (text.startsWith('DRAFT')) {
    const head = text.startsWith(REQUEST_DRAFT_HEAD) ? REQUEST_DRAFT_HEAD : DRAFT_HEAD;
    if (!text.startsWith(head)) return 'a draft number starts with DRAFTCOOAPPLY (DRAFTCOODUPL for a duplicate / in-lieu request)';
    tail = text.slice(head.length);
  } else {
    const office = /^[A-Z]{4}/.exec(text)?.[0];
    if (office === undefined) return 'it must start with DRAFT or a 4-letter office code';
    const process = text.slice(4).startsWith(REQUEST_FILE_PROCESS) ? REQUEST_FILE_PROCESS : FILE_PROCESS;
    if (!text.slice(4).startsWith(process)) return `"${FILE_PROCESS}" must follow the office code ${office}`;
    tail = text.slice(4 + process.length);
  }
  if (!/^[0-9]{8}/.test(tail)) return 'an 8-digit running number must follow APPLY (or DUPL)';
  if (!/^[0-9]{8}AM[0-9]{2}$/.test(tail)) return 'it must end with the year as AM and 2 digits, e.g. AM25';
  return 'it is not in the expected form';
}

function malformed(input: string, why: string): AppError {
  const message = `"${input}" is not an application number: ${why} (expected e.g. DRAFTCOOAPPLY00229268AM25 or HQRCCOAPPLY00000019AM25)`;
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path: 'number', message }] });
}
