import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildApplicationsWorkbook, indianWallClock } from '../../../api/drafts/export-xlsx.js';
import type { ApplicationListItem } from '../../../api/drafts/list-applications.js';

const item: ApplicationListItem = {
  id: 'x',
  number: 'DRAFTCOOAPPLY00000001AM27',
  kind: 'application',
  originalCertificateNumber: null,
  fileNumber: null,
  status: 'Draft',
  iec: 'AAACR5055K',
  exporterName: 'RAJ KUMAR EXPORTS PRIVATE LIMITED',
  agreementCode: null,
  agreementTitle: null,
  agencyCode: null,
  agencyName: null,
  officeCode: null,
  officeName: null,
  importerName: null,
  importerCountry: null,
  invoiceNumber: null,
  invoiceDate: null,
  invoiceValueUsd: null,
  certificateNumber: null,
  feeTotalPaise: null,
  createdAt: '2026-03-31T20:00:00.000Z',
  submittedAt: null,
  statusChangedAt: '2026-03-31T20:00:00.000Z',
  decidedAt: null,
};

const arrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('Excel export', () => {
  it('writes India wall-clock times (a draft made at 01:30 IST on 1 April is dated 1 April)', async () => {
    expect(indianWallClock('2026-03-31T20:00:00.000Z')!.toISOString()).toBe('2026-04-01T01:30:00.000Z');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(arrayBuffer(await buildApplicationsWorkbook([item], 'Draft applications')));
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Draft applications');
    const row = ws.getRow(2);
    expect((row.getCell(16).value as Date).toISOString()).toBe('2026-04-01T01:30:00.000Z');
    expect(row.getCell(16).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(row.getCell(3).value).toBeNull();
    expect(row.getCell(14).value).toBeNull();
  });

  it('still has a header row, a frozen pane and an autofilter when the list is empty', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(arrayBuffer(await buildApplicationsWorkbook([], 'Applications')));
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(1);
    expect(ws.getRow(1).getCell(2).value).toBe('Application Number');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:U1');
  });
});
