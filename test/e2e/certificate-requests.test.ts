import ExcelJS from 'exceljs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, CertificateRow, PaymentRow, TaxInvoiceRow, WalletEntry, WalletRow } from '../../db/entities/index.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, type Stack } from '../helpers/stack.js';
import { launchChromium } from '../helpers/chromium.js';
import { createNssDb, pdfsig, renderPages, runTool, zbar } from '../integration/certificate/helpers.js';
import { parseQrContent } from '../../services/certificate/qr-payload.js';
import { startMailStack, type MailStack } from './helpdesk-harness.js';

const EXPORTS = 'exports@rajkumarexports.example'; // the IEC master record's e-mail

// Issue 11 end to end through the HTTP API on the real services: requests for a duplicate and for a
// certificate in lieu of an issued one, each its own workflow (coo-certificate-request/<number>).
const OFFICE = 'EIC-KOL';

describe('duplicate and in-lieu certificates', () => {
  let ms: MailStack;
  let stack: Stack;
  let pki: TestPki;
  let dir: string;
  let nssDir: string;
  const t = {} as Record<'raj' | 'anita' | 'officer' | 'kochi', string>;
  let original: { id: string; number: string; certificateNumber: string };

  async function approvedApplication() {
    const tabs = defaultTabs(await ensureIecRecord(stack, t.raj));
    const draft = await createCompleteDraft(stack, t.raj, { tabs: { certificateDetails: { ...tabs.certificateDetails, officeCode: OFFICE } } });
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.officer });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved');
    return { id: draft.id, number: draft.number, certificateNumber: done.certificateNumber as string };
  }

  async function newRequest(kind: 'duplicate' | 'in-lieu', reason: string, certificateNumber = original.certificateNumber) {
    const r = await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber, kind, reason } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function attachSupportingDocument(id: string) {
    const res = await fetch(`${stack.baseUrl}/v1/certificate-requests/${id}/supporting-documents?fileName=${encodeURIComponent('police report.pdf')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
      body: Buffer.from(await invoicePdf('POLICE/FIR/2026/118')),
    });
    const body: any = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body;
  }

  beforeAll(async () => {
    ms = await startMailStack({ name: 'certificate-requests', users: [{ address: EXPORTS, password: 'exports-pw' }] });
    stack = ms.stack;
    pki = await testPki(stack);
    dir = await mkdtemp(join(tmpdir(), 'coo-requests-e2e-'));
    nssDir = await createNssDb(dir, [pki.rootCaPem]);
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.anita = await stack.token({ sub: 'AABCS1429B-1', name: 'Anita Menon', roles: ['exporter'], iec: 'AABCS1429B' });
    // EIC Kolkata: no other test file pays from Raj's e-wallet there (the database is shared)
    t.officer = await stack.token({ sub: 'officer-eic-kol', name: 'Subhajit Banerjee', roles: ['officer'], officeCode: 'EIC-KOL', agencyCode: 'EIC' });
    t.kochi = await stack.token({ sub: 'officer-eic-koc', name: 'Thomas Varghese', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
    original = await approvedApplication();
  });
  afterAll(async () => {
    await ms?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a request the rules do not allow, saying why', async () => {
    const other = await api(stack, 'POST', '/v1/certificate-requests', { token: t.anita, body: { certificateNumber: original.certificateNumber, kind: 'duplicate', reason: 'lost' } });
    expect(other.status).toBe(404);
    expect(other.body.detail).toContain('was not found among the certificates issued to IEC AABCS1429B');
    const noReason = await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber: original.certificateNumber, kind: 'duplicate', reason: '   ' } });
    expect(noReason.status).toBe(422);
    expect(noReason.body.type).toMatch(/validation_failed/);

    const em = stack.orm.em.fork();
    const legacy = em.create(CertificateRow, {
      number: 'EIC/2019/002/0000035A',
      applicationId: null,
      kind: 'original',
      source: 'legacy',
      iec: 'AAACR5055K',
      agencyCode: 'EIC',
      officeCode: 'EIC-MUM',
      agreementCode: 'IKCEPA',
      status: 'issued',
      issuedBy: 'legacy',
      issuedAt: new Date('2019-04-05T06:00:00Z'),
      document: {},
      verificationToken: 'legacy-token-0000000000000000000000000',
      history: [{ at: '2019-04-05T06:00:00Z', event: 'imported' }],
      legacy: {},
    });
    await em.flush();
    const onLegacy = await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber: legacy.number, kind: 'in-lieu', reason: 'importer misspelt' } });
    expect(onLegacy.status).toBe(409);
    expect(onLegacy.body.detail).toContain('was issued on the legacy platform');
    expect(onLegacy.body.detail).toContain('legacy eCoO 1.0 platform (https://coo.dgft.gov.in)');
  });

  let duplicate: any;
  it('issues a duplicate paid from the e-wallet: DUPLICATE on the signed PDF, the number derived from the original, both in force and pointing at each other', async () => {
    duplicate = await newRequest('duplicate', 'The original was lost in transit to the buyer.');
    expect(duplicate).toMatchObject({ kind: 'duplicate', status: 'Draft', originalCertificateNumber: original.certificateNumber, changes: [] });
    expect(duplicate.number).toMatch(/^DRAFTCOODUPL\d{8}AM\d{2}$/);
    expect(duplicate.workflowId).toBe(`coo-certificate-request/${duplicate.number}`);

    // one open request per certificate: a second one is refused, naming the first
    const second = await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber: original.certificateNumber, kind: 'in-lieu', reason: 'correct the importer' } });
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain(`already has an open request, ${duplicate.number}`);

    // a duplicate carries the original unchanged
    const tabs = (await api(stack, 'GET', `/v1/applications/${duplicate.id}`, { token: t.raj })).body.tabs;
    const edit = await api(stack, 'PUT', `/v1/applications/${duplicate.id}/tabs/shipment`, { token: t.raj, body: tabs.shipment });
    expect(edit.status).toBe(409);
    expect(edit.body.detail).toContain('carries the original certificate unchanged');

    // without its supporting document it cannot be submitted
    const early = await api(stack, 'POST', `/v1/applications/${duplicate.id}/submit`, { token: t.raj });
    expect(early.status).toBe(422);
    expect(JSON.stringify(early.body.errors)).toContain('supportingDocuments');
    const withDoc = await attachSupportingDocument(duplicate.id);
    expect(withDoc.supportingDocuments).toEqual([expect.objectContaining({ fileName: 'police_report.pdf', contentType: 'pdf' })]);

    await submitAndSign(stack, pki, t.raj, duplicate.id, 'exporter-raj');
    const pending = await waitForStatus(stack, t.raj, duplicate.id, 'Pending Payment');
    // seed 001: a duplicate at EIC costs 600 + GST 18% = 708
    expect(pending.fee.totalPaise).toBe(70_800);
    // the preview before paying: watermarked, marked DUPLICATE with the number it will get, not signed
    const preview = await fetch(`${stack.baseUrl}/v1/certificate-requests/${duplicate.id}/preview.pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('application/pdf');
    const previewFile = join(dir, 'preview.pdf');
    await writeFile(previewFile, Buffer.from(await preview.arrayBuffer()));
    const previewText = (await runTool('pdftotext', ['-layout', previewFile, '-'])).stdout;
    // the watermark runs diagonally: read in the content stream's order
    expect((await runTool('pdftotext', ['-raw', previewFile, '-'])).stdout).toContain('DRAFT – NOT VALID');
    expect(previewText).toContain(`${original.certificateNumber}/00000001`);
    expect(previewText).toContain(`DUPLICATE — of certificate No. ${original.certificateNumber}`);
    expect(previewText).toContain('PREVIEW — DRAFT – NOT VALID');
    expect(await pdfsig(previewFile, nssDir)).toContain('does not contain any signatures');
    expect((await api(stack, 'GET', `/v1/certificate-requests/${duplicate.id}/preview.pdf`, { token: t.anita })).status).toBe(404);
    const em = stack.orm.em.fork();
    await em.upsert(WalletRow, { iec: 'AAACR5055K', officeCode: OFFICE, balancePaise: 100_000 });
    const paid = await api(stack, 'POST', `/v1/applications/${duplicate.id}/payment`, { token: t.raj, body: { method: 'ewallet' } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    await waitForStatus(stack, t.raj, duplicate.id, 'In-Process');
    expect((await em.fork().findOneOrFail(WalletRow, { iec: 'AAACR5055K', officeCode: OFFICE })).balancePaise).toBe(100_000 - 70_800);

    // the officer of the issuing office sees the request in the queue and decides it
    const queue = await api(stack, 'GET', '/v1/certificate-requests?view=queue', { token: t.officer });
    expect(queue.body.items.map((i: any) => i.number)).toContain(duplicate.number);
    expect((await api(stack, 'GET', '/v1/applications?view=submitted', { token: t.officer })).body.items.map((i: any) => i.number)).not.toContain(duplicate.number);
    const elsewhere = await api(stack, 'POST', `/v1/applications/${duplicate.id}/decisions/approve`, { token: t.kochi });
    expect(elsewhere.status).toBe(404);
    const approve = await api(stack, 'POST', `/v1/applications/${duplicate.id}/decisions/approve`, { token: t.officer });
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, duplicate.id, 'Approved');
    expect(done.certificateNumber).toBe(`${original.certificateNumber}/00000001`);
    expect(done.taxInvoiceNumber).toMatch(/^EIC-KOL\/TI\//);

    const rows = stack.orm.em.fork();
    const copy = await rows.findOneOrFail(CertificateRow, { number: done.certificateNumber });
    const orig = await rows.findOneOrFail(CertificateRow, { number: original.certificateNumber });
    expect(copy).toMatchObject({ kind: 'duplicate', originalNumber: original.certificateNumber, status: 'issued' });
    expect(orig.status).toBe('issued');
    expect(orig.history.map((h) => h.event)).toEqual(['issued', 'duplicate_issued']);
    expect(orig.history[1]!.note).toContain(done.certificateNumber);

    const pdf = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(done.certificateNumber)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(pdf.status).toBe(200);
    const file = join(dir, 'duplicate.pdf');
    await writeFile(file, Buffer.from(await pdf.arrayBuffer()));
    const sig = await pdfsig(file, nssDir);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    const text = (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
    expect(text).toContain(`DUPLICATE — of certificate No. ${original.certificateNumber}`);
    expect(text).toContain(done.certificateNumber);

    // one payment, one tax invoice for the request; the audit trail names the request
    expect(await rows.count(PaymentRow, { applicationId: duplicate.id, status: 'paid' })).toBe(1);
    expect(await rows.count(TaxInvoiceRow, { applicationId: duplicate.id })).toBe(1);
    expect(await rows.count(WalletEntry, { entryKey: paid.body.orderId })).toBe(1);
    expect(await rows.count(AuditEvent, { subjectType: 'certificate-request', subjectId: duplicate.number })).toBeGreaterThanOrEqual(5);

    // the exporter's list of requests, and its Excel export (seed 001's "Application Request For")
    const listed = await api(stack, 'GET', `/v1/certificate-requests?view=issued&originalCertificateNumber=${encodeURIComponent(original.certificateNumber)}`, { token: t.raj });
    expect(listed.body.items).toEqual([expect.objectContaining({ number: duplicate.number, kind: 'duplicate', originalCertificateNumber: original.certificateNumber, certificateNumber: done.certificateNumber })]);
    const xlsx = await fetch(`${stack.baseUrl}/v1/certificate-requests/export.xlsx?view=issued&originalCertificateNumber=${encodeURIComponent(original.certificateNumber)}`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = sheet.getRow(2);
    expect(row.getCell(header.indexOf('Application Request For') + 1).value).toBe('Request for Duplicate Certificate');
    expect(row.getCell(header.indexOf('Original Certificate') + 1).value).toBe(original.certificateNumber);

    // the Temporal UI finds every request of a certificate
    const found: string[] = [];
    for await (const w of stack.client.workflow.list({ query: `CooOriginalCertificateNumber = "${original.certificateNumber}"` })) found.push(w.workflowId);
    expect(found).toContain(`coo-certificate-request/${duplicate.number}`);
  });

  it('issues a certificate in lieu with a corrected importer after a discrepancy answered by e-mail reply; the original is superseded at that moment', async () => {
    const req = await newRequest('in-lieu', 'The importer name was misspelt on the certificate.');
    const current = (await api(stack, 'GET', `/v1/applications/${req.id}`, { token: t.raj })).body.tabs;
    const details = structuredClone(current.certificateDetails);
    details.importer.name = 'Al Batinah Home Trading LLC (corrected)';
    const saved = await api(stack, 'PUT', `/v1/applications/${req.id}/tabs/certificateDetails`, { token: t.raj, body: details });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const moved = await api(stack, 'PUT', `/v1/applications/${req.id}/tabs/certificateDetails`, { token: t.raj, body: { ...details, officeCode: 'EIC-KOC' } });
    expect(moved.status).toBe(422);
    expect(JSON.stringify(moved.body)).toContain('issued under the original');
    await attachSupportingDocument(req.id);
    const view = (await api(stack, 'GET', `/v1/certificate-requests/${req.id}`, { token: t.raj })).body;
    expect(view.changes).toEqual([{ path: 'certificateDetails/importer/name', tab: 'Certificate Details', before: current.certificateDetails.importer.name, after: details.importer.name }]);

    await submitAndSign(stack, pki, t.raj, req.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, req.id, 'success');
    await waitForStatus(stack, t.raj, req.id, 'In-Process');
    // the officer sees the field-by-field difference
    const seen = await api(stack, 'GET', `/v1/certificate-requests/${req.id}`, { token: t.officer });
    expect(seen.status).toBe(200);
    expect(seen.body.changes).toHaveLength(1);

    const discrepancy = await api(stack, 'POST', `/v1/applications/${req.id}/decisions/deficiency`, {
      token: t.officer,
      body: { remarks: 'Attach the buyer’s letter confirming the correct name.', documentsRequested: ['Buyer letter'] },
    });
    expect(discrepancy.status, JSON.stringify(discrepancy.body)).toBe(200);
    const deficient = await waitForStatus(stack, t.raj, req.id, 'Deficient');
    const toAnswer = await api(stack, 'GET', '/v1/certificate-requests?view=discrepancy', { token: t.raj });
    expect(toAnswer.body.items.map((i: any) => i.number)).toEqual([req.number]);

    // the exporter answers the discrepancy e-mail by replying to it, with the buyer's letter
    const mail = await ms.waitForMail(EXPORTS, (m) => (m.subject ?? '').startsWith(`Discrepancy raised on request ${deficient.fileNumber} (round 1)`));
    expect(mail.text).toContain(`request ${deficient.fileNumber} for a certificate in lieu of certificate ${original.certificateNumber}`);
    const replyAddress = (mail.replyTo?.value[0]?.address ?? '').toLowerCase();
    const letter = Buffer.from(await invoicePdf('BUYER/LETTER/2026/4'));
    const replyId = await ms.send({
      from: `Raj Kumar Sharma <${EXPORTS}>`,
      to: replyAddress,
      subject: `Re: ${mail.subject}`,
      inReplyTo: mail.messageId!,
      references: [mail.messageId!],
      text: 'The buyer’s letter confirming the corrected name is attached.',
      attachments: [{ filename: 'buyer letter.pdf', content: letter, contentType: 'application/pdf' }],
    });
    const inbound = await ms.waitFor(`the outcome of ${replyId}`, async () => {
      const r = await ms.inbound(replyId);
      return r?.outcome && r;
    }, 60_000);
    expect(inbound.outcome).toBe('deficiency-response');
    const waiting = await waitForStatus(stack, t.raj, req.id, 'Deficient');
    expect(waiting.signing.purpose).toBe('clarification');
    const doc = JSON.parse(Buffer.from(waiting.signing.contentB64, 'base64').toString());
    expect(doc.clarification).toBe('The buyer’s letter confirming the corrected name is attached.');
    const signed = await api(stack, 'POST', `/v1/applications/${req.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', waiting.signing.contentB64) } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    await waitForStatus(stack, t.raj, req.id, 'In-Process');
    const approve = await api(stack, 'POST', `/v1/applications/${req.id}/decisions/approve`, { token: t.officer });
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, req.id, 'Approved');
    expect(done.certificateNumber).toBe(`${original.certificateNumber}/00000002`);

    const rows = stack.orm.em.fork();
    const lieu = await rows.findOneOrFail(CertificateRow, { number: done.certificateNumber });
    const orig = await rows.findOneOrFail(CertificateRow, { number: original.certificateNumber });
    expect(lieu).toMatchObject({ kind: 'in-lieu', originalNumber: original.certificateNumber, status: 'issued' });
    expect(orig).toMatchObject({ status: 'superseded', supersededBy: done.certificateNumber, statusReason: 'The importer name was misspelt on the certificate.' });
    // superseded at the moment the in-lieu certificate was recorded
    expect(orig.statusChangedAt!.getTime()).toBe(lieu.issuedAt.getTime());

    const file = join(dir, 'in-lieu.pdf');
    const pdf = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(done.certificateNumber)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    await writeFile(file, Buffer.from(await pdf.arrayBuffer()));
    expect(await pdfsig(file, nssDir)).toContain('Signature Validation: Signature is Valid.');
    const text = (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
    expect(text).toContain(`ISSUED IN LIEU OF ${original.certificateNumber}`);
    expect(text).toContain('(corrected)');
    // its QR code decodes from the rendered page and names the new certificate
    const [png] = await renderPages(file, join(dir, 'in-lieu-page'), { dpi: 200, first: 1, last: 1 });
    const [qr] = await zbar(png!);
    expect(qr).toBeDefined();
    expect(parseQrContent(qr!).certificateNumber).toBe(done.certificateNumber);

    // the verification JSON of the original says which certificate is in force
    const live = await api(stack, 'GET', `/v1/public/certificates?no=${encodeURIComponent(original.certificateNumber)}&t=${orig.verificationToken}`, {});
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    expect(live.body).toMatchObject({ status: 'superseded', supersededBy: done.certificateNumber });

    // the original's QR link, opened in a real browser, says which certificate is in force
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const meta = (await api(stack, 'GET', `/v1/applications/${original.id}/certificate`, { token: t.raj })).body;
      expect((await page.goto(meta.verificationUrl))?.status()).toBe(200);
      const shown = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(shown).toContain('Superseded — not in force');
      expect(shown).toContain(`Superseded by ${done.certificateNumber}`);
      expect(shown).toContain('The importer name was misspelt on the certificate.');
    } finally {
      await browser.close();
    }

    // nothing more can be requested of a superseded certificate
    const again = await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber: original.certificateNumber, kind: 'duplicate', reason: 'lost again' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`is superseded by ${done.certificateNumber}`);
  });
});
