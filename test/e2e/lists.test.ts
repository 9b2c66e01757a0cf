import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationRow } from '../../db/entities/index.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord, type CompleteDraft } from '../helpers/drafts.js';

/**
 * The lists of seeds 001/004 over applications of one exporter (Kandla Agro, AAHCK2290P), which no
 * other test file uses. Statuses after submission are written by the application workflow; here they
 * are set in the read model directly, which is what the lists read.
 */
describe('lists: drafts, submitted, pending payment, issued; filters, pages, Excel', () => {
  const IEC = 'AAHCK2290P';
  let stack: Stack;
  let admin: string;
  let kandla: string;
  let raj: string;
  const apps: Record<string, CompleteDraft & { fileNumber?: string; certificateNumber?: string }> = {};
  const fileNo = () => `EIMUCOAPPLY${crypto.randomInt(10 ** 8).toString().padStart(8, '0')}AM27`;

  const list = async (token: string, query: Record<string, string>) => {
    const r = await api(stack, 'GET', `/v1/applications?${new URLSearchParams(query)}`, { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: any[]; total: number; page: number; pageSize: number; totalPages: number };
  };
  const names = (items: any[]) => items.map((i) => Object.entries(apps).find(([, a]) => a.id === i.id)?.[0] ?? i.number);

  beforeAll(async () => {
    stack = await startStack({ name: 'lists' });
    await stack.startWorker();
    admin = await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    kandla = await stack.token({ sub: 'u-harshad', name: 'Harshad Patel', roles: ['exporter'], iec: IEC });
    raj = await stack.token({ sub: 'u-raj', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    const refreshed = await api(stack, 'POST', `/v1/iec-master/${IEC}/refresh`, { token: admin });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    const iec = await ensureIecRecord(stack, kandla);
    const tabs = defaultTabs(iec);
    const korea = {
      ...defaultTabs(iec).certificateDetails,
      agreementCode: 'IKCEPA',
      officeCode: 'EIC-KOC',
      importer: { name: 'Hanil Agro Foods Co.', address: '77 Jungang-daero, Jung-gu, Busan 48939', country: 'KR' },
    };
    const rvc = structuredClone(tabs.importDetails);
    rvc.items[1]!.preferenceCriterion = 'RVC';
    const mpeda = { ...defaultTabs(iec).certificateDetails, agencyCode: 'MPEDA', officeCode: 'MPEDA-KOC' };

    // created in this order; "older" is back-dated to 1 July 2026 (23:30 IST)
    apps.older = await createCompleteDraft(stack, kandla);
    apps.draft = await createCompleteDraft(stack, kandla);
    apps.unpaid = await createCompleteDraft(stack, kandla);
    apps.inProcess = await createCompleteDraft(stack, kandla);
    apps.issued = await createCompleteDraft(stack, kandla, { tabs: { ...tabs, certificateDetails: korea, importDetails: rvc } });
    apps.deficient = await createCompleteDraft(stack, kandla, { tabs: { ...tabs, certificateDetails: mpeda } });

    const em = stack.orm.em.fork();
    const at = (iso: string) => new Date(iso);
    await em.nativeUpdate(ApplicationRow, { id: apps.older!.id }, { createdAt: at('2026-07-01T18:00:00Z') });
    await em.nativeUpdate(ApplicationRow, { id: apps.unpaid!.id }, { status: 'Pending Payment', statusChangedAt: at('2026-11-01T10:00:00Z') });
    apps.inProcess!.fileNumber = fileNo();
    await em.nativeUpdate(
      ApplicationRow,
      { id: apps.inProcess!.id },
      { status: 'In-Process', fileNumber: apps.inProcess!.fileNumber, submittedAt: at('2026-11-10T06:00:00Z'), feeTotalPaise: 70800 },
    );
    apps.issued!.fileNumber = fileNo().replace('EIMU', 'EIKO');
    apps.issued!.certificateNumber = `EIC/2026/002/${crypto.randomInt(10 ** 7).toString().padStart(7, '0')}`;
    await em.nativeUpdate(
      ApplicationRow,
      { id: apps.issued!.id },
      {
        status: 'Approved',
        fileNumber: apps.issued!.fileNumber,
        certificateNumber: apps.issued!.certificateNumber,
        submittedAt: at('2026-10-05T06:00:00Z'),
        decidedAt: at('2026-10-08T09:30:00Z'),
        statusChangedAt: at('2026-10-08T09:30:00Z'),
      },
    );
    apps.deficient!.fileNumber = fileNo().replace('EIMU', 'MPKO');
    await em.nativeUpdate(
      ApplicationRow,
      { id: apps.deficient!.id },
      { status: 'Deficient', fileNumber: apps.deficient!.fileNumber, submittedAt: at('2026-11-15T05:00:00Z') },
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows an exporter the four lists of their own IEC's applications, newest first", async () => {
    const drafts = await list(kandla, { view: 'drafts' });
    expect(names(drafts.items)).toEqual(['draft', 'older']);
    expect(drafts.total).toBe(2);
    const submitted = await list(kandla, { view: 'submitted' });
    expect(names(submitted.items)).toEqual(['deficient', 'inProcess', 'issued']);
    expect(submitted.items.map((i) => i.status)).toEqual(['Deficient', 'In-Process', 'Approved']);
    expect(submitted.items[1]).toMatchObject({
      fileNumber: apps.inProcess!.fileNumber,
      agreementCode: 'IOCEPA',
      agreementTitle: 'India Oman CEPA (Agency Issued)',
      agencyName: 'Export Inspection Council of India',
      officeName: 'EIC - Mumbai (Regional Office)',
      importerName: 'Al Batinah Home Trading LLC',
      importerCountry: 'OM',
      invoiceDate: '2026-08-10',
      invoiceValueUsd: 12500,
      exporterName: 'KANDLA AGRO EXPORTS PRIVATE LIMITED',
      feeTotalPaise: 70800,
      submittedAt: '2026-11-10T06:00:00.000Z',
    });
    expect(names((await list(kandla, { view: 'pending-payment' })).items)).toEqual(['unpaid']);
    const issued = await list(kandla, { view: 'issued' });
    expect(names(issued.items)).toEqual(['issued']);
    expect(issued.items[0].certificateNumber).toBe(apps.issued!.certificateNumber);
  });

  it("never shows one exporter another's applications, even when asked by IEC or number", async () => {
    expect((await list(raj, { iec: IEC })).total).toBe(0);
    expect((await list(raj, { number: apps.draft!.number, numberMatch: 'exact' })).total).toBe(0);
  });

  it("shows officers only the files submitted to their office, and agency administrators their agency's non-draft applications", async () => {
    const officer = (office: string, agency: string) => stack.token({ sub: `officer-${office.toLowerCase()}`, name: 'Officer', roles: ['officer'], officeCode: office, agencyCode: agency });
    expect(names((await list(await officer('EIC-MUM', 'EIC'), { iec: IEC })).items)).toEqual(['inProcess']);
    expect(names((await list(await officer('EIC-KOC', 'EIC'), { iec: IEC })).items)).toEqual(['issued']);
    expect((await list(await officer('EIC-MUM', 'EIC'), { iec: IEC, view: 'drafts' })).total).toBe(0);
    const eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    expect(names((await list(eicAdmin, { iec: IEC })).items).sort()).toEqual(['inProcess', 'issued', 'unpaid']);
    const mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Anjali Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    expect(names((await list(mpedaAdmin, { iec: IEC })).items)).toEqual(['deficient']);
    const helpdesk = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    expect((await list(helpdesk, { iec: IEC })).total).toBe(6);
  });

  it('filters by agreement, agency, office, status and number (prefix or exact)', async () => {
    const q = (extra: Record<string, string>) => list(admin, { iec: IEC, ...extra }).then((r) => names(r.items).sort());
    expect(await q({ agreement: 'IKCEPA' })).toEqual(['issued']);
    expect(await q({ agency: 'MPEDA' })).toEqual(['deficient']);
    expect(await q({ office: 'EIC-MUM' })).toEqual(['draft', 'inProcess', 'older', 'unpaid']);
    expect(await q({ status: 'Draft,Pending Payment' })).toEqual(['draft', 'older', 'unpaid']);
    expect(await q({ number: apps.draft!.number.toLowerCase(), numberMatch: 'exact' })).toEqual(['draft']);
    expect(await q({ number: apps.inProcess!.fileNumber!.slice(0, 15) })).toEqual(['inProcess']);
    expect(await q({ number: apps.issued!.certificateNumber!, numberMatch: 'exact' })).toEqual(['issued']);
    expect(await q({ number: 'MPKOCOAPPLY' })).toEqual(['deficient']);
    expect(await q({ number: apps.draft!.number.slice(0, 20), numberMatch: 'exact' })).toEqual([]);
  });

  it('filters by creation and submission dates, as India dates, both ends included', async () => {
    const q = (extra: Record<string, string>) => list(admin, { iec: IEC, ...extra }).then((r) => names(r.items));
    expect(await q({ createdFrom: '2026-07-01', createdTo: '2026-07-01' })).toEqual(['older']);
    expect(await q({ createdFrom: '2026-06-01', createdTo: '2026-06-30' })).toEqual([]);
    expect((await q({ createdFrom: '2026-07-02' })).sort()).toEqual(['deficient', 'draft', 'inProcess', 'issued', 'unpaid']);
    expect(await q({ view: 'submitted', submittedFrom: '2026-11-10', submittedTo: '2026-11-15' })).toEqual(['deficient', 'inProcess']);
  });

  it('pages through a list with its total, newest first, without gaps or repeats', async () => {
    const p1 = await list(admin, { iec: IEC, pageSize: '4', page: '1' });
    const p2 = await list(admin, { iec: IEC, pageSize: '4', page: '2' });
    expect([p1.total, p1.totalPages, p1.items.length, p2.items.length]).toEqual([6, 2, 4, 2]);
    const all = [...p1.items, ...p2.items];
    expect(new Set(all.map((i) => i.id)).size).toBe(6);
    const created = all.map((i) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(names(all).at(-1)).toBe('older');
    const beyond = await list(admin, { iec: IEC, pageSize: '4', page: '3' });
    expect(beyond).toMatchObject({ items: [], total: 6 });
  });

  it('refuses bad filters with specific messages', async () => {
    const bad = async (query: string) => (await api(stack, 'GET', `/v1/applications?${query}`, { token: admin })).body;
    expect((await bad('pageSize=1000')).errors).toContainEqual({ path: 'query/pageSize', message: 'pageSize can be at most 100' });
    expect((await bad('status=Draft,Bogus')).detail).toContain('Unknown status Bogus');
    expect((await bad('createdFrom=2026-02-30')).errors[0]).toEqual({ path: 'query/createdFrom', message: 'Created from must be a date written YYYY-MM-DD' });
    const reversed = await bad('createdFrom=2026-08-01&createdTo=2026-07-01');
    expect(reversed.detail).toBe('The created date range starts (2026-08-01) after it ends (2026-07-01).');
    expect((await bad('number=DRAFT%25')).code).toBe('validation_failed');
  });

  it('exports the same list to Excel: header, typed cells, frozen header row, autofilter', async () => {
    const res = await fetch(`${stack.baseUrl}/v1/applications/export.xlsx?iec=${IEC}&view=all`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?applications-\d{4}-\d{2}-\d{2}\.xlsx"?$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Applications');
    expect(ws.rowCount).toBe(7);
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      'S.No.',
      'Application Number',
      'File Number',
      'File Status',
      'IEC',
      'Exporter',
      'Scheme Name',
      'Issuing Agency',
      'RO/Local Office',
      'Importer',
      'Importer Country',
      'Invoice Number',
      'Invoice Date',
      'Invoice Value (USD)',
      'Fee (INR)',
      'Application Date (IST)',
      'Submitted (IST)',
      'Certificate Number',
      'Status Changed (IST)',
      'Application Request For',
      'Original Certificate',
    ]);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:U7');

    const col = (h: string) => header.indexOf(h) + 1;
    const rowOf = (number: string) => {
      for (let r = 2; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(col('Application Number')).value === number) return ws.getRow(r);
      throw new Error(`${number} not exported`);
    };
    const row = rowOf(apps.inProcess!.number);
    const invoiceDate = row.getCell(col('Invoice Date'));
    expect(invoiceDate.type).toBe(ExcelJS.ValueType.Date);
    expect((invoiceDate.value as Date).toISOString()).toBe('2026-08-10T00:00:00.000Z');
    expect(invoiceDate.numFmt).toBe('dd/mm/yyyy');
    const value = row.getCell(col('Invoice Value (USD)'));
    expect(value.type).toBe(ExcelJS.ValueType.Number);
    expect(value.value).toBe(12500);
    expect(value.numFmt).toBe('#,##0.00');
    expect(row.getCell(col('Fee (INR)')).value).toBe(708);
    const submitted = row.getCell(col('Submitted (IST)'));
    expect(submitted.type).toBe(ExcelJS.ValueType.Date);
    // 06:00 UTC is 11:30 in India: the sheet shows India's wall clock
    expect((submitted.value as Date).toISOString()).toBe('2026-11-10T11:30:00.000Z');
    expect(row.getCell(col('File Status')).value).toBe('In-Process');
    expect(row.getCell(col('Scheme Name')).value).toBe('India Oman CEPA (Agency Issued)');
    expect(rowOf(apps.draft!.number).getCell(col('File Number')).value).toBeNull();
    expect(ws.getRow(2).getCell(1).value).toBe(1);

    // the exporter's own export carries only their applications, and the list's filters apply
    const own = await fetch(`${stack.baseUrl}/v1/applications/export.xlsx?view=issued`, { headers: { authorization: `Bearer ${kandla}` } });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(await own.arrayBuffer());
    expect(wb2.worksheets[0]!.name).toBe('Issued certificates');
    expect(wb2.worksheets[0]!.rowCount).toBe(2);
    expect(wb2.worksheets[0]!.getRow(2).getCell(col('Certificate Number')).value).toBe(apps.issued!.certificateNumber);
  });
});
