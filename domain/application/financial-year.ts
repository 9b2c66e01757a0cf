import { AppError, ErrorCode } from '../../lib/errors.js';

/** India's financial year: 1 April to 31 March. "2024-25" runs from 2024-04-01 to 2025-03-31. */
export interface FinancialYear {
  startYear: number;
  endYear: number;
  /** "2024-25" */
  label: string;
  firstDay: string;
  lastDay: string;
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** The calendar date in India (IST, UTC+05:30, no daylight saving) at an instant, as YYYY-MM-DD. */
export function indianDateOf(instant: Date): string {
  return new Date(instant.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's date in India. Rules take "today" as input so that they stay pure. */
export function todayInIndia(now: Date = new Date()): string {
  return indianDateOf(now);
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The financial year of a date. A string is a calendar date (YYYY-MM-DD); a Date is an instant,
 * read as the date in India at that instant (23:00 UTC on 31 March is already 1 April in India).
 */
export function financialYearOf(date: string | Date): FinancialYear {
  const iso = typeof date === 'string' ? date : indianDateOf(date);
  if (!isIsoDate(iso)) {
    throw new AppError(ErrorCode.ValidationFailed, `"${iso}" is not a date in the form YYYY-MM-DD`);
  }
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const startYear = month >= 4 ? year : year - 1;
  const endYear = startYear + 1;
  return {
    startYear,
    endYear,
    label: `${startYear}-${String(endYear % 100).padStart(2, '0')}`,
    firstDay: `${startYear}-04-01`,
    lastDay: `${endYear}-03-31`,
  };
}

/**
 * The key that must be unique across an IEC's applications: the invoice number within the
 * financial year of the invoice date (seed 004). The number is compared without regard to case or
 * surrounding spaces, as GST invoice serials are unique per financial year (CGST Rules, rule 46).
 */
export function invoiceUniquenessKey(iec: string, invoiceNo: string, invoiceDate: string | Date): string {
  const fy = financialYearOf(invoiceDate);
  return `${iec.trim().toUpperCase()}|${fy.label}|${invoiceNo.trim().toUpperCase()}`;
}

/** DD/MM/YYYY, as the seeds' screens show dates. */
export function formatIndianDate(iso: string): string {
  return isIsoDate(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso;
}
