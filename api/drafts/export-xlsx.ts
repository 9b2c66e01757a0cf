import ExcelJS from 'exceljs';
import type { ApplicationListItem } from './list-applications.js';

const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;

/**
 * Excel has no time zones: a cell holds a wall-clock date and time. exceljs writes a JS Date by
 * its UTC fields, so India's wall clock is written as the UTC fields of (instant + 5:30).
 */
export function indianWallClock(isoInstant: string | null): Date | null {
  return isoInstant === null ? null : new Date(new Date(isoInstant).getTime() + IST_OFFSET_MS);
}

function calendarDate(isoDate: string | null): Date | null {
  if (isoDate === null || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(isoDate)) return null;
  return new Date(`${isoDate}T00:00:00Z`);
}

interface Column {
  header: string;
  key: string;
  width: number;
  numFmt?: string;
  value: (item: ApplicationListItem, index: number) => string | number | Date | null;
}

/** Seed 001's "Application Request For" column. */
const REQUEST_FOR: Record<string, string> = {
  application: 'Certificate of Origin',
  duplicate: 'Request for Duplicate Certificate',
  'in-lieu': 'Request for Certificate in Lieu',
};

const COLUMNS: Column[] = [
  { header: 'S.No.', key: 'sno', width: 7, numFmt: '0', value: (_, i) => i + 1 },
  { header: 'Application Number', key: 'number', width: 28, value: (a) => a.number },
  { header: 'File Number', key: 'fileNumber', width: 28, value: (a) => a.fileNumber },
  { header: 'File Status', key: 'status', width: 26, value: (a) => a.status },
  { header: 'IEC', key: 'iec', width: 13, value: (a) => a.iec },
  { header: 'Exporter', key: 'exporter', width: 36, value: (a) => a.exporterName },
  { header: 'Scheme Name', key: 'agreement', width: 36, value: (a) => a.agreementTitle ?? a.agreementCode },
  { header: 'Issuing Agency', key: 'agency', width: 36, value: (a) => a.agencyName ?? a.agencyCode },
  { header: 'RO/Local Office', key: 'office', width: 32, value: (a) => a.officeName ?? a.officeCode },
  { header: 'Importer', key: 'importer', width: 32, value: (a) => a.importerName },
  { header: 'Importer Country', key: 'importerCountry', width: 10, value: (a) => a.importerCountry },
  { header: 'Invoice Number', key: 'invoiceNumber', width: 22, value: (a) => a.invoiceNumber },
  { header: 'Invoice Date', key: 'invoiceDate', width: 13, numFmt: 'dd/mm/yyyy', value: (a) => calendarDate(a.invoiceDate) },
  { header: 'Invoice Value (USD)', key: 'invoiceValueUsd', width: 18, numFmt: '#,##0.00', value: (a) => a.invoiceValueUsd },
  { header: 'Fee (INR)', key: 'fee', width: 12, numFmt: '#,##0.00', value: (a) => (a.feeTotalPaise === null ? null : a.feeTotalPaise / 100) },
  { header: 'Application Date (IST)', key: 'createdAt', width: 19, numFmt: 'dd/mm/yyyy hh:mm', value: (a) => indianWallClock(a.createdAt) },
  { header: 'Submitted (IST)', key: 'submittedAt', width: 19, numFmt: 'dd/mm/yyyy hh:mm', value: (a) => indianWallClock(a.submittedAt) },
  { header: 'Certificate Number', key: 'certificateNumber', width: 30, value: (a) => a.certificateNumber },
  { header: 'Status Changed (IST)', key: 'statusChangedAt', width: 19, numFmt: 'dd/mm/yyyy hh:mm', value: (a) => indianWallClock(a.statusChangedAt) },
  { header: 'Application Request For', key: 'kind', width: 26, value: (a) => REQUEST_FOR[a.kind] ?? a.kind },
  { header: 'Original Certificate', key: 'originalCertificateNumber', width: 34, value: (a) => a.originalCertificateNumber },
];

/**
 * The list as a workbook: one header row (bold, frozen, with an autofilter), dates as Excel dates
 * and amounts as numbers with a number format, so the sheet sorts and sums as people expect.
 */
export async function buildApplicationsWorkbook(items: ApplicationListItem[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CoO back-office';
  wb.created = new Date();
  const ws = wb.addWorksheet(title.slice(0, 31), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width, ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.numFmt = 'General';
  });
  items.forEach((item, i) => {
    const values: Record<string, string | number | Date | null> = {};
    for (const c of COLUMNS) values[c.key] = c.value(item, i);
    ws.addRow(values);
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, items.length + 1), column: COLUMNS.length } };
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
