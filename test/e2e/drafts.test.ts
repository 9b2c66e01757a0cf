import crypto from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationRow, AttachmentRow, InvoiceClaim } from '../../db/entities/index.js';
import { parseDraftNumber } from '../../domain/numbering/application-number.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { pdfOfSize } from '../helpers/files.js';
import {
  createCompleteDraft,
  defaultTabs,
  ensureIecRecord,
  invoicePdf,
  saveTabOrThrow,
  uniqueInvoiceNumber,
  uploadAttachment,
} from '../helpers/drafts.js';

describe('drafts: create, save tab by tab, attach, validate, delete', () => {
  let stack: Stack;
  let admin: string;
  let raj: string;
  let anita: string;
  let officer: string;
  let helpdesk: string;
  let rajIec: Awaited<ReturnType<typeof ensureIecRecord>>;

  beforeAll(async () => {
    stack = await startStack({ name: 'drafts' });
    await stack.startWorker();
    admin = await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    raj = await stack.token({ sub: 'u-raj', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    anita = await stack.token({ sub: 'u-anita', name: 'Anita Menon', roles: ['exporter'], iec: 'AABCS1429B' });
    officer = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    helpdesk = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    const refreshed = await api(stack, 'POST', '/v1/iec-master/AAACR5055K/refresh', { token: admin });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    rajIec = await ensureIecRecord(stack, raj);
    await ensureIecRecord(stack, anita);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const newDraft = async (token = raj) => {
    const r = await api(stack, 'POST', '/v1/applications', { token });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string; version: number };
  };
  const put = (id: string, tab: string, body: unknown, opts: { token?: string; headers?: Record<string, string> } = {}) =>
    api(stack, 'PUT', `/v1/applications/${id}/tabs/${tab}`, { token: opts.token ?? raj, body, headers: opts.headers });
  const setStatus = (id: string, status: ApplicationRow['status']) => stack.orm.em.fork().nativeUpdate(ApplicationRow, { id }, { status });

  it('refuses a draft for an IEC whose IEC master record is not here yet, telling how to fix it', async () => {
    const ghost = await stack.token({ sub: 'u-ghost', name: 'Nobody', roles: ['exporter'], iec: 'ZZZZZ0000Z' });
    const r = await api(stack, 'POST', '/v1/applications', { token: ghost });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('iec_not_registered');
    expect(r.body.detail).toContain('POST /v1/iec-master/ZZZZZ0000Z/refresh');
  });

  it('creates drafts numbered from one national counter, in the seed format', async () => {
    const a = await newDraft();
    const b = await newDraft();
    const na = parseDraftNumber(a.number);
    const nb = parseDraftNumber(b.number);
    expect(a.number).toMatch(/^DRAFTCOOAPPLY[0-9]{8}AM[0-9]{2}$/);
    expect(nb.sequence).toBe(na.sequence + 1);
    const r = await api(stack, 'GET', `/v1/applications/${a.id}`, { token: raj });
    expect(r.body).toMatchObject({ status: 'Draft', iec: 'AAACR5055K', savedTabs: [], nextTab: 'basicDetails', editable: true });
    expect(r.headers.get('etag')).toBe(`"${r.body.version}"`);
  });

  it('saves all seven tabs of a realistic application and finds nothing left to fix', async () => {
    const d = await newDraft();
    const tabs = defaultTabs(rajIec);
    let r = await put(d.id, 'basicDetails', tabs.basicDetails);
    expect(r.status).toBe(200);
    expect(r.body.application.nextTab).toBe('certificateDetails');
    r = await put(d.id, 'certificateDetails', tabs.certificateDetails);
    expect(r.status).toBe(200);
    expect(r.body.application).toMatchObject({
      agreementCode: 'IOCEPA',
      agencyCode: 'EIC',
      officeCode: 'EIC-MUM',
      importerCountry: 'OM',
      invoiceNumber: tabs.certificateDetails.invoice.number,
      invoiceValueUsd: 12500,
    });
    for (const tab of ['exportProducts', 'importDetails', 'shipment'] as const) {
      r = await put(d.id, tab, tabs[tab]);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      // item 2 is claimed "VA 42.5%", measured on a cost sheet, which can only follow the Import Details tab
      expect(r.body.warnings.map((w: any) => w.path)).toEqual(tab === 'importDetails' ? ['costSheets/2'] : []);
      if (tab === 'importDetails') {
        const sheet = await api(stack, 'PUT', `/v1/applications/${d.id}/cost-sheets/2`, { token: raj, body: tabs.costSheets!['2'] });
        expect(sheet.status, JSON.stringify(sheet.body)).toBe(200);
      }
    }
    const pdf = await invoicePdf(tabs.certificateDetails.invoice.number);
    const up = await uploadAttachment(stack, raj, d.id, pdf, { documentType: 'commercial_invoice', fileName: 'Invoice RKE 118.PDF', contentType: 'application/pdf', attest: true });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.attachment).toMatchObject({
      fileName: 'Invoice_RKE_118.pdf',
      fileType: 'pdf',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: crypto.createHash('sha256').update(pdf).digest('hex'),
    });
    expect(up.body.application.tabs.attachments.files).toEqual([
      expect.objectContaining({ id: up.body.attachment.id, documentType: 'commercial_invoice', attest: true, fileName: 'Invoice_RKE_118.pdf' }),
    ]);
    expect(up.body.warnings).toEqual([]);
    r = await put(d.id, 'declaration', tabs.declaration);
    expect(r.status).toBe(200);
    expect(r.body.application.savedTabs).toHaveLength(7);
    expect(r.body.application.nextTab).toBe('summary');

    const v = await api(stack, 'GET', `/v1/applications/${d.id}/validation`, { token: raj });
    expect(v.status).toBe(200);
    expect(v.body).toEqual({ valid: true, problems: [] });
  });

  it('the test helper gives a complete, valid application in one call', async () => {
    const d = await createCompleteDraft(stack, raj);
    expect(d.invoiceAttachmentId).toBeDefined();
    const v = await api(stack, 'GET', `/v1/applications/${d.id}/validation`, { token: raj });
    expect(v.body.valid).toBe(true);
  });

  it('keeps the tabs in order: a later tab names the tabs to save first', async () => {
    const d = await newDraft();
    const r = await put(d.id, 'shipment', defaultTabs(rajIec).shipment);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('tab_order');
    expect(r.body.detail).toBe(
      'Save "Basic Details", "Certificate Details", "Export Details" and "Import Details" before "Shipment Details": the tabs of the application are filled in order',
    );
    expect(r.body.nextTab).toBe('basicDetails');
    const up = await uploadAttachment(stack, raj, d.id, await invoicePdf(), { documentType: 'commercial_invoice', fileName: 'inv.pdf' });
    expect(up.status).toBe(409);
    expect(up.body.code).toBe('tab_order');
  });

  it('refuses an invoice number with characters other than letters, digits and / , -', async () => {
    const d = await newDraft();
    const tabs = defaultTabs(rajIec, { number: 'INV#12 A' });
    await saveTabOrThrow(stack, raj, d.id, 'basicDetails', tabs.basicDetails);
    const r = await put(d.id, 'certificateDetails', tabs.certificateDetails);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors).toEqual([
      { path: 'certificateDetails/invoice/number', message: 'Invoice number "INV#12 A" contains "#", a space; only letters, digits and / , - are allowed' },
    ]);
  });

  it('gives field problems for a tab of the wrong shape', async () => {
    const d = await newDraft();
    const r = await put(d.id, 'basicDetails', { iecBranchCode: '1', deliveryRequested: 'no', disclaimerAccepted: true, extra: 1 });
    expect(r.status).toBe(422);
    const paths = r.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['basicDetails/iecBranchCode', 'basicDetails/deliveryRequested', 'basicDetails']));
    const branch = await put(d.id, 'basicDetails', { iecBranchCode: '07', deliveryRequested: false, disclaimerAccepted: true });
    expect(branch.status).toBe(422);
    expect(branch.body.detail).toContain('Branch 07 is not a branch of IEC AAACR5055K');
  });

  it('an invoice number is used once per IEC and financial year; the claim moves with the invoice and is freed on delete', async () => {
    const korea = (number: string, date: string) => ({
      ...defaultTabs(rajIec).certificateDetails,
      agreementCode: 'IKCEPA',
      importer: { name: 'Hanil Home Trading Co., Ltd.', address: '12 Teheran-ro, Gangnam-gu, Seoul 06234', country: 'KR' },
      invoice: { ...defaultTabs(rajIec).certificateDetails.invoice, number, date },
    });
    const number = uniqueInvoiceNumber('DUP');
    const a = await newDraft();
    const b = await newDraft();
    for (const d of [a, b]) await saveTabOrThrow(stack, raj, d.id, 'basicDetails', defaultTabs(rajIec).basicDetails);
    await saveTabOrThrow(stack, raj, a.id, 'certificateDetails', korea(number, '2026-05-10'));

    const clash = await put(b.id, 'certificateDetails', korea(number.toLowerCase(), '2026-09-01'));
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('invoice_duplicate');
    expect(clash.body.usedBy).toBe(a.number);
    expect(clash.body.detail).toContain(`already used by application ${a.number}`);
    expect(clash.body.detail).toContain('2026-27');

    const lastYear = await put(b.id, 'certificateDetails', korea(number, '2026-03-15'));
    expect(lastYear.status, JSON.stringify(lastYear.body)).toBe(200);

    // A takes another number: its claim on the first one is released
    await saveTabOrThrow(stack, raj, a.id, 'certificateDetails', korea(`${number}-R`, '2026-05-10'));
    const moved = await put(b.id, 'certificateDetails', korea(number, '2026-09-01'));
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const claims = await stack.orm.em.fork().find(InvoiceClaim, { applicationId: { $in: [a.id, b.id] } });
    expect(claims.map((c) => [c.key, c.applicationId]).sort()).toEqual(
      [
        [`AAACR5055K|2026-27|${number}`, b.id],
        [`AAACR5055K|2026-27|${number}-R`, a.id],
      ].sort(),
    );

    // another IEC may use the same invoice number
    const other = await newDraft(anita);
    const anitaIec = await ensureIecRecord(stack, anita);
    await saveTabOrThrow(stack, anita, other.id, 'basicDetails', defaultTabs(anitaIec).basicDetails);
    expect((await put(other.id, 'certificateDetails', { ...korea(number, '2026-09-01'), officeCode: 'EIC-KOC' }, { token: anita })).status).toBe(200);

    const del = await api(stack, 'DELETE', `/v1/applications/${b.id}`, { token: raj });
    expect(del.status).toBe(204);
    expect((await put(a.id, 'certificateDetails', korea(number, '2026-09-01'))).status).toBe(200);
  });

  it('lets exactly one of two drafts saved at the same moment take an invoice number; parallel drafts get distinct numbers', async () => {
    const drafts = await Promise.all([newDraft(), newDraft(), newDraft(), newDraft()]);
    expect(new Set(drafts.map((d) => d.number)).size).toBe(4);
    const a = drafts[0]!;
    const b = drafts[1]!;
    const tabs = defaultTabs(rajIec);
    await Promise.all([a, b].map((d) => saveTabOrThrow(stack, raj, d.id, 'basicDetails', tabs.basicDetails)));
    const results = await Promise.all([a, b].map((d) => put(d.id, 'certificateDetails', tabs.certificateDetails)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    const winner = results.find((r) => r.status === 200)!;
    expect(loser.body.code).toBe('invoice_duplicate');
    expect(loser.body.usedBy).toBe(winner.body.application.number);
    const claims = await stack.orm.em.fork().find(InvoiceClaim, { applicationId: { $in: [a.id, b.id] } });
    expect(claims.map((c) => c.applicationId)).toEqual([winner.body.application.id]);
  });

  it('refuses export items that do not add up to the invoice value', async () => {
    const d = await newDraft();
    const tabs = defaultTabs(rajIec);
    await saveTabOrThrow(stack, raj, d.id, 'basicDetails', tabs.basicDetails);
    await saveTabOrThrow(stack, raj, d.id, 'certificateDetails', tabs.certificateDetails);
    const items = structuredClone(tabs.exportProducts.items);
    Object.assign(items[1]!, { valueInCurrency: 4000, valueUsd: 4000, valueInr: 336400 });
    const r = await put(d.id, 'exportProducts', { items });
    expect(r.status).toBe(422);
    expect(r.body.errors).toContainEqual({
      path: 'exportProducts/items',
      message:
        'The export items add up to 11500.00 USD but the invoice value is 12500.00 USD (difference 1000.00); the item values must add up to the invoice value',
    });
  });

  it('saves a changed invoice and reports the export items that no longer add up (save with warnings)', async () => {
    const d = await createCompleteDraft(stack, raj);
    const details = structuredClone(d.tabs.certificateDetails);
    Object.assign(details.invoice, { valueInCurrency: 13000, valueUsd: 13000, valueInr: 1093300 });
    const r = await put(d.id, 'certificateDetails', details);
    expect(r.status).toBe(200);
    expect(r.body.application.invoiceValueUsd).toBe(13000);
    expect(r.body.warnings.map((w: any) => w.message)).toContain(
      'The export items add up to 12500.00 USD but the invoice value is 13000.00 USD (difference 500.00); the item values must add up to the invoice value',
    );
    const v = await api(stack, 'GET', `/v1/applications/${d.id}/validation`, { token: raj });
    expect(v.body.valid).toBe(false);
    expect(v.body.problems.map((p: any) => p.path)).toContain('exportProducts/items');
  });

  it('refuses a route that does not show both ports', async () => {
    const d = await createCompleteDraft(stack, raj);
    const r = await put(d.id, 'shipment', { ...d.tabs.shipment, route: 'By sea to Sohar' });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      {
        path: 'shipment/route',
        message:
          'Route "By sea to Sohar" does not show the port of shipment (INNSA1 - JAWAHARLAL NEHRU, NHAVA SHEVA); the certificate must show both ports in the route',
      },
    ]);
  });

  describe('attachments', () => {
    let d: Awaited<ReturnType<typeof createCompleteDraft>>;
    beforeAll(async () => {
      d = await createCompleteDraft(stack, raj);
    });

    it('refuses a program named .pdf: the type comes from the content', async () => {
      const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), crypto.randomBytes(2000)]);
      const r = await uploadAttachment(stack, raj, d.id, exe, { documentType: 'packing_list', fileName: 'packing list.pdf', contentType: 'application/pdf' });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('attachment_rejected');
      expect(r.body.detail).toBe('packing_list.pdf cannot be accepted: a Windows program. Only PDF, JPG, XLS and XLSX files are accepted.');
      // a PDF header alone is not a PDF; a PNG is not one of the types the seeds allow (as by mail)
      const forged = await uploadAttachment(stack, raj, d.id, Buffer.from('%PDF-1.4\n%%EOF\n'), { documentType: 'other', fileName: 'forged.pdf', contentType: 'application/pdf' });
      expect(forged.status).toBe(422);
      expect(forged.body.detail).toBe('forged.pdf cannot be accepted: a damaged or incomplete PDF (it starts like a PDF but cannot be read as one). Only PDF, JPG, XLS and XLSX files are accepted.');
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer();
      const photo = await uploadAttachment(stack, raj, d.id, png, { documentType: 'other', fileName: 'photo.png', contentType: 'image/png' });
      expect(photo.status).toBe(422);
      expect(photo.body.detail).toBe('photo.png is a PNG file, which is not accepted for an application. Only PDF, JPG, XLS and XLSX files are accepted.');
    });

    it('refuses a file over 5 MB with its size, and accepts exactly 5 MB', async () => {
      const big = pdfOfSize(5 * 1024 * 1024 + 1);
      const r = await uploadAttachment(stack, raj, d.id, big, { documentType: 'other', fileName: 'scan.pdf' });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe('attachment_rejected');
      expect(r.body.detail).toBe('scan.pdf is 5.00 MB; files for an application can be at most 5 MB');
      const exact = pdfOfSize(5 * 1024 * 1024);
      const ok = await uploadAttachment(stack, raj, d.id, exact, { documentType: 'other', fileName: 'scan.pdf' });
      expect(ok.status).toBe(201);
      expect(ok.body.attachment.sizeBytes).toBe(5 * 1024 * 1024);
      expect((await api(stack, 'DELETE', `/v1/applications/${d.id}/attachments/${ok.body.attachment.id}`, { token: raj })).status).toBe(200);
    });

    it('refuses a file sent as JSON', async () => {
      const r = await uploadAttachment(stack, raj, d.id, Buffer.from('{"a":1}'), { documentType: 'other', fileName: 'a.pdf', contentType: 'application/json' });
      expect(r.status).toBe(415);
    });

    it('serves a download as an attachment of the detected type, never to be sniffed', async () => {
      const res = await fetch(`${stack.baseUrl}/v1/applications/${d.id}/attachments/${d.invoiceAttachmentId}`, { headers: { authorization: `Bearer ${raj}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?commercial-invoice\.pdf"?$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const listed = await api(stack, 'GET', `/v1/applications/${d.id}/attachments`, { token: raj });
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(listed.body.items[0].sha256);
    });

    it('lets the exporter set "attest" in tab 6, but never the measured fields, and only for uploaded files', async () => {
      const files = d.tabs.attachments!.files.map((f) => ({ id: f.id, documentType: f.documentType, attest: true, sizeBytes: 1, sha256: 'f'.repeat(64) }));
      const r = await put(d.id, 'attachments', { files });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.application.tabs.attachments.files[0]).toMatchObject({ attest: true, sizeBytes: d.tabs.attachments!.files[0]!.sizeBytes });
      const ghost = await put(d.id, 'attachments', { files: [...files, { id: crypto.randomUUID(), documentType: 'other', attest: false }] });
      expect(ghost.status).toBe(422);
      expect(ghost.body.detail).toContain('was not uploaded to this application');
      const missing = await put(d.id, 'attachments', { files: [] });
      expect(missing.status).toBe(422);
      expect(missing.body.errors.map((e: any) => e.message).join('\n')).toContain('is missing from the list');
    });

    it('a draft without the commercial invoice is not ready for submission', async () => {
      const noInvoice = await createCompleteDraft(stack, raj, { commercialInvoice: false });
      const v = await api(stack, 'GET', `/v1/applications/${noInvoice.id}/validation`, { token: raj });
      expect(v.body.valid).toBe(false);
      expect(v.body.problems).toContainEqual({ path: 'attachments/files', message: 'Attach a copy of the commercial invoice: it is mandatory' });
    });
  });

  it('refuses a stale write (optimistic locking with If-Match or version)', async () => {
    const d = await createCompleteDraft(stack, raj);
    const read = await api(stack, 'GET', `/v1/applications/${d.id}`, { token: raj });
    const etag = read.headers.get('etag')!;
    const first = await put(d.id, 'declaration', { ...d.tabs.declaration, place: 'Navi Mumbai' }, { headers: { 'if-match': etag } });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe(`"${read.body.version + 1}"`);
    const stale = await put(d.id, 'declaration', { ...d.tabs.declaration, place: 'Thane' }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    expect(stale.body).toMatchObject({ currentVersion: read.body.version + 1, yourVersion: read.body.version });
    const staleQuery = await api(stack, 'PUT', `/v1/applications/${d.id}/tabs/declaration?version=${read.body.version}`, { token: raj, body: d.tabs.declaration });
    expect(staleQuery.status).toBe(409);
    const del = await api(stack, 'DELETE', `/v1/applications/${d.id}`, { token: raj, headers: { 'if-match': etag } });
    expect(del.status).toBe(409);
    const after = await api(stack, 'GET', `/v1/applications/${d.id}`, { token: raj });
    expect(after.body.tabs.declaration.place).toBe('Navi Mumbai');
  });

  it('saves tabs only in Draft and Deficient; deletes only drafts', async () => {
    const d = await createCompleteDraft(stack, raj);
    await setStatus(d.id, 'In-Process');
    const refused = await put(d.id, 'declaration', d.tabs.declaration);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('illegal_transition');
    expect(refused.body.detail).toContain(`Application ${d.number} is In-Process`);
    expect(refused.body.applicationStatus).toBe('In-Process');
    const upload = await uploadAttachment(stack, raj, d.id, await invoicePdf(), { documentType: 'other', fileName: 'x.pdf' });
    expect(upload.status).toBe(409);
    expect((await api(stack, 'DELETE', `/v1/applications/${d.id}`, { token: raj })).status).toBe(409);
    await setStatus(d.id, 'Deficient');
    expect((await put(d.id, 'declaration', { ...d.tabs.declaration, place: 'Pune' })).status).toBe(200);
    expect((await api(stack, 'DELETE', `/v1/applications/${d.id}`, { token: raj })).body.code).toBe('illegal_transition');
  });

  it('deletes a draft with its invoice claim and its files in one go', async () => {
    const d = await createCompleteDraft(stack, raj);
    const r = await api(stack, 'DELETE', `/v1/applications/${d.id}`, { token: raj });
    expect(r.status).toBe(204);
    expect((await api(stack, 'GET', `/v1/applications/${d.id}`, { token: raj })).status).toBe(404);
    const em = stack.orm.em.fork();
    expect(await em.count(AttachmentRow, { applicationId: d.id })).toBe(0);
    expect(await em.count(InvoiceClaim, { applicationId: d.id })).toBe(0);
    const again = await createCompleteDraft(stack, raj, { invoice: { number: d.tabs.certificateDetails.invoice.number } });
    expect(again.application.invoiceNumber).toBe(d.tabs.certificateDetails.invoice.number);
  });

  it("answers another exporter's application exactly like one that does not exist", async () => {
    const d = await createCompleteDraft(stack, raj);
    const missing = crypto.randomUUID();
    const shape = (body: any, id: string) => ({ status: body.status, code: body.code, detail: String(body.detail).replace(id, '<id>') });
    const cases: [string, string, (id: string) => string][] = [
      ['GET', 'read', (id) => `/v1/applications/${id}`],
      ['GET', 'validation', (id) => `/v1/applications/${id}/validation`],
      ['GET', 'files', (id) => `/v1/applications/${id}/attachments`],
      ['DELETE', 'delete', (id) => `/v1/applications/${id}`],
      ['PUT', 'save', (id) => `/v1/applications/${id}/tabs/declaration`],
    ];
    for (const [method, what, url] of cases) {
      const body = method === 'PUT' ? d.tabs.declaration : undefined;
      const theirs = await api(stack, method, url(d.id), { token: anita, body });
      const none = await api(stack, method, url(missing), { token: anita, body });
      expect(theirs.status, what).toBe(404);
      expect(shape(theirs.body, d.id), what).toEqual(shape(none.body, missing));
    }
    const download = await api(stack, 'GET', `/v1/applications/${d.id}/attachments/${d.invoiceAttachmentId}`, { token: anita });
    expect(download.status).toBe(404);
    const upload = await uploadAttachment(stack, anita, d.id, await invoicePdf(), { documentType: 'other', fileName: 'x.pdf' });
    expect(upload.status).toBe(404);
    // still there for its owner
    expect((await api(stack, 'GET', `/v1/applications/${d.id}`, { token: raj })).status).toBe(200);
  });

  it('officers neither see drafts nor edit; helpdesk reads them', async () => {
    const d = await createCompleteDraft(stack, raj);
    expect((await api(stack, 'GET', `/v1/applications/${d.id}`, { token: officer })).status).toBe(404);
    const edit = await put(d.id, 'declaration', d.tabs.declaration, { token: officer });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('forbidden');
    expect((await api(stack, 'POST', '/v1/applications', { token: officer })).status).toBe(403);
    expect((await api(stack, 'GET', `/v1/applications/${d.id}`, { token: helpdesk })).status).toBe(200);
    await setStatus(d.id, 'In-Process');
    const seen = await api(stack, 'GET', `/v1/applications/${d.id}`, { token: officer });
    expect(seen.status).toBe(200);
    expect(seen.body.status).toBe('In-Process');
  });

  it('serves the form look-ups: agreement → agencies notified → offices', async () => {
    const agreements = await api(stack, 'GET', '/v1/reference/agreements', { token: raj });
    const codes = agreements.body.items.map((a: any) => a.code);
    expect(codes).toContain('IOCEPA');
    expect(codes).not.toContain('SAPTA');
    const iocepa = agreements.body.items.find((a: any) => a.code === 'IOCEPA');
    expect(iocepa).toMatchObject({ title: 'India Oman CEPA (Agency Issued)', effectiveFrom: '2026-06-01', partnerCountries: [{ code: 'OM', name: 'Oman' }] });
    const all = await api(stack, 'GET', '/v1/reference/agreements?includeInactive=true', { token: raj });
    expect(all.body.items.map((a: any) => a.code)).toContain('SAPTA');

    const agencies = await api(stack, 'GET', '/v1/reference/agreements/IOCEPA/agencies', { token: raj });
    expect(agencies.body.items.map((a: any) => a.code).sort()).toEqual(['EIC', 'MPEDA']);
    const offices = await api(stack, 'GET', '/v1/reference/agencies/EIC/offices?agreement=IOCEPA', { token: raj });
    expect(offices.body.items.map((o: any) => o.code)).toContain('EIC-MUM');
    expect(offices.body.items.every((o: any) => o.agencyCode === 'EIC')).toBe(true);
    const notNotified = await api(stack, 'GET', '/v1/reference/agencies/FIEO/offices?agreement=IOCEPA', { token: raj });
    expect(notNotified.status).toBe(422);
    expect(notNotified.body.detail).toContain('choose one of EIC, MPEDA');
    expect((await api(stack, 'GET', '/v1/reference/agreements/XYZ/agencies', { token: raj })).status).toBe(404);

    const units = await api(stack, 'GET', '/v1/reference/units', { token: raj });
    expect(units.body.items).toContainEqual({ code: 'NOS', name: 'NUMBERS' });
    const currencies = await api(stack, 'GET', '/v1/reference/currencies', { token: raj });
    expect(currencies.body.items).toContainEqual({ code: 'OMR', name: 'Rial Omani', minorUnits: 3 });
    expect((await api(stack, 'GET', '/v1/reference/countries', { token: raj })).body.items).toContainEqual({ code: 'OM', name: 'Oman' });
  });

  it('describes every draft operation in the OpenAPI document with its exact schema', async () => {
    const doc = (await api(stack, 'GET', '/openapi.json')).body;
    const cert = doc.paths['/v1/applications/{id}/tabs/certificateDetails'].put;
    expect(cert.operationId).toBe('saveCertificateDetailsTab');
    const schema = cert.requestBody.content['application/json'].schema;
    expect(schema.properties.invoice.properties.currency.pattern).toBe('^[A-Z]{3}$');
    expect(schema.additionalProperties).toBe(false);
    const upload = doc.paths['/v1/applications/{id}/attachments'].post;
    expect(upload.parameters.find((p: any) => p.name === 'documentType').schema.enum).toContain('commercial_invoice');
    expect(doc.paths['/v1/applications/{id}'].get.operationId).toBe('getApplication');
    expect(doc.paths['/v1/applications/{id}'].delete.operationId).toBe('deleteDraftApplication');
    expect(doc.paths['/v1/applications/{id}/validation'].get.summary).toBeTruthy();
    expect(doc.paths['/v1/applications/export.xlsx'].get.responses['200'].content).toHaveProperty(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(doc.paths['/v1/reference/agreements/{agreementCode}/agencies'].get.operationId).toBe('listAgenciesForAgreement');
  });
});
