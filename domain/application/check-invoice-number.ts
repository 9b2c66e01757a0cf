import type { FieldProblem } from '../../lib/errors.js';
import { financialYearOf, formatIndianDate, isIsoDate } from './financial-year.js';
import type { Invoice } from './schemas.js';

const P = 'certificateDetails/invoice';

/** Letters, digits and "/ , -" only (seed 004). */
export const INVOICE_NUMBER_PATTERN = /^[A-Za-z0-9/,-]+$/;

/** Invoice number characters, and an invoice date that is not in the future (India's date). */
export function checkInvoiceNumberAndDate(invoice: Pick<Invoice, 'number' | 'date'>, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!INVOICE_NUMBER_PATTERN.test(invoice.number)) {
    const bad = [...new Set([...invoice.number].filter((c) => !/[A-Za-z0-9/,-]/.test(c)))].map(describeChar);
    problems.push({
      path: `${P}/number`,
      message: `Invoice number "${invoice.number}" contains ${bad.join(', ')}; only letters, digits and / , - are allowed`,
    });
  }
  if (isIsoDate(invoice.date) && invoice.date > today) {
    problems.push({
      path: `${P}/date`,
      message: `Invoice date ${formatIndianDate(invoice.date)} is in the future (today is ${formatIndianDate(today)})`,
    });
  }
  return problems;
}

/** The problem to report when the invoice's uniqueness key is already taken by another application. */
export function checkInvoiceUnique(
  invoice: Pick<Invoice, 'number' | 'date'>,
  iec: string,
  usedBy: string | null | undefined,
): FieldProblem[] {
  if (usedBy === null || usedBy === undefined) return [];
  const fy = financialYearOf(invoice.date);
  return [
    {
      path: `${P}/number`,
      message: `Invoice ${invoice.number} is already used by application ${usedBy} of IEC ${iec} in financial year ${fy.label} (April ${fy.startYear} to March ${fy.endYear}); an invoice number can be used once per financial year`,
    },
  ];
}

function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  if (/\s/.test(c)) return 'a line break or tab';
  const cp = c.codePointAt(0) ?? 0;
  if (cp < 32 || cp === 127) return `a control character (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  return `"${c}"`;
}
