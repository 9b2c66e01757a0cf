import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgencyOfficeRow, AuditEvent, CertificateRow, FeeScheduleRow, KeptAnswer, NotificationRow, PaymentRow, StaffUserRow, TaxInvoiceRow, WalletEntry, WalletRow } from '../../db/entities/index.js';
import { applicationWorkflowId, TASK_QUEUE } from '../../workflows/application/contract.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { createNssDb, pdfsig, runTool } from '../integration/certificate/helpers.js';
import { tinyPdf } from '../helpers/files.js';

// The application's whole life through the HTTP API, on the real PostgreSQL and Temporal dev server.
describe('application lifecycle: sign, pay, review, deficiencies, issue', () => {
  let stack: Stack;
  let pki: TestPki;
  const t = {} as Record<'raj' | 'priya' | 'second' | 'kochi', string>;
  const fast = {
    signatureWindow: '2 minutes',
    paymentWindow: '2 minutes',
    paymentReminders: ['1 minute'],
    reconcileEvery: '1 second',
    deficiencyWindow: '2 minutes',
    deficiencyReminders: ['1 minute'],
    reviewReminders: [],
    reviewEscalation: '1 hour',
    certificateSignatureReminders: [],
    certificateSignatureEscalation: '1 hour',
  };

  beforeAll(async () => {
    stack = await startStack({ name: 'lifecycle' });
    stack.config.timings = { ...fast };
    // the officer's DSC signs a certificate PDF that pdfsig validates offline: no revocation URLs in it
    pki = await testPki(stack, { revocation: false });
    await stack.startWorker();
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    // decisions are taken by active officers of the staff table (services/identity/officer-on-duty.ts)
    await stack.orm.em.fork().upsert(StaffUserRow, { id: 'officer-eic-mum-2', role: 'officer', name: 'Second Officer', email: 'second.officer@eicindia.example', designation: 'Assistant Director', agencyCode: 'EIC', officeCode: 'EIC-MUM', active: true, createdAt: new Date() });
    t.second = await stack.token({ sub: 'officer-eic-mum-2', name: 'Second Officer', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    t.kochi = await stack.token({ sub: 'officer-eic-koc', name: 'Thomas Varghese', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /**
   * Waits until the worker's reference data (the cache its activities read, re-read from the tables
   * every 2 s) shows a change made in the database.
   */
  async function workerSees(what: string, ready: (ref: ReferenceIndex) => boolean, show: (ref: ReferenceIndex) => unknown): Promise<void> {
    await waitFor(() => stack.deps.reference(), { what: `the worker's reference data to show ${what}`, timeoutMs: 15_000, until: ready, show });
  }
  const eicFee = (ref: ReferenceIndex) => ref.feeEntries('EIC').find((f) => f.agreementCode === null && f.kind === 'original');
  const mumbaiSigning = (ref: ReferenceIndex) => ref.office('EIC-MUM')?.certificateSigning;

  async function inProcess(): Promise<{ id: string; number: string }> {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    return { id: draft.id, number: draft.number };
  }

  it('names a file by its file number once there is one, in the answers that refuse an action on it', async () => {
    const app = await inProcess();
    const { fileNumber } = await workflowState(stack, t.raj, app.id);
    expect(fileNumber).toMatch(/^[A-Z]{4}COAPPLY/);
    const noCertificate = await api(stack, 'GET', `/v1/applications/${app.id}/certificate`, { token: t.priya });
    expect(noCertificate.status).toBe(404);
    expect(noCertificate.body.detail).toBe(`File ${fileNumber} has no certificate yet: it is In-Process.`);
    const noSigning = await api(stack, 'GET', `/v1/applications/${app.id}/certificate/signing`, { token: t.priya });
    expect(noSigning.status).toBe(409);
    expect(noSigning.body.detail).toBe(`No certificate of file ${fileNumber} is waiting for a signature: the file is In-Process.`);
    await stack.client.workflow.getHandle(applicationWorkflowId(app.number)).terminate('test done');
  });

  it('produces the tax invoice copy: itemised GST, sealed by the office, the same bytes on every download', async () => {
    const app = await inProcess();
    const info = await api(stack, 'GET', `/v1/applications/${app.id}/tax-invoice`, { token: t.raj });
    expect(info.status).toBe(200);
    expect(info.body.pdf).toMatchObject({ ready: true, url: `/v1/applications/${app.id}/tax-invoice/pdf` });
    expect(info.body.pdf.sealedBy).toBe('EIC-MUM e-Seal');
    // EIC Mumbai and Raj's Maharashtra branch: CGST + SGST, the supplier and recipient GSTINs, the SAC
    const doc = info.body.document;
    expect(doc).toMatchObject({ number: info.body.number, supplyType: 'intra_state', reference: { applicationNumber: app.number, paymentMethod: 'gateway' } });
    expect(doc.supplier.gstin).toMatch(/^27[0-9A-Z]{13}$/);
    expect(doc.recipient.gstin).toMatch(/^27[0-9A-Z]{13}$/);
    expect(doc.totals.totalPaise).toBe(info.body.totalPaise);

    const download = (headers: Record<string, string> = {}) =>
      fetch(`${stack.baseUrl}/v1/applications/${app.id}/tax-invoice/pdf`, { headers: { authorization: `Bearer ${t.raj}`, ...headers } });
    const res = await download();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(info.body.pdf.sha256);
    expect(res.headers.get('etag')).toBe(`"${info.body.pdf.sha256}"`);
    expect((await download({ 'if-none-match': `"${info.body.pdf.sha256}"` })).status).toBe(304);
    expect(createHash('sha256').update(Buffer.from(await (await download()).arrayBuffer())).digest('hex')).toBe(info.body.pdf.sha256);

    const dir = await mkdtemp(join(tmpdir(), 'coo-invoice-'));
    try {
      const file = join(dir, 'invoice.pdf');
      await writeFile(file, pdf);
      const sig = await pdfsig(file, await createNssDb(dir, [pki.rootCaPem]));
      expect(sig).toContain('Signature Validation: Signature is Valid.');
      expect(sig).toContain('Certificate Validation: Certificate is Trusted.');
      expect(sig).toContain('Signer Certificate Common Name: EIC-MUM e-Seal');
      const text = (await runTool('pdftotext', ['-layout', file, '-'])).stdout.replace(/[ \t]+/g, ' ');
      for (const s of ['TAX INVOICE', info.body.number, app.number, doc.supplier.gstin, doc.recipient.gstin, doc.lines[0].sacCode, 'CGST', 'SGST', 'Amount in words']) expect(text).toContain(s);
      expect(text).not.toContain('IGST');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // officers of another office, and nobody without a token, get nothing
    expect((await fetch(`${stack.baseUrl}/v1/applications/${app.id}/tax-invoice/pdf`, { headers: { authorization: `Bearer ${t.kochi}` } })).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/v1/applications/${app.id}/tax-invoice/pdf`)).status).toBe(401);
  });

  it('charges the fee the agency administrator set in the database, without restarting the worker', async () => {
    const em = stack.orm.em.fork();
    const row = await em.findOneOrFail(FeeScheduleRow, { agencyCode: 'EIC', agreementKey: '*', kind: 'original' });
    const before = row.data;
    try {
      await em.getConnection().execute(`update fee_schedule set data = jsonb_set(data, '{feePaise}', '70000') where id = ?`, [row.id]);
      await workerSees('the EIC fee of ₹700', (ref) => eicFee(ref)?.feePaise === 70000, eicFee);
      const draft = await createCompleteDraft(stack, t.raj);
      await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
      const pending = await waitForStatus(stack, t.raj, draft.id, 'Pending Payment');
      // 700 + 9% CGST + 9% SGST
      expect(pending.fee.totalPaise).toBe(70000 + 6300 + 6300);
      expect(pending.fee.lines[0]).toMatchObject({ amountPaise: 70000 });
    } finally {
      await em.getConnection().execute(`update fee_schedule set data = ?::jsonb where id = ?`, [JSON.stringify(before), row.id]);
      await workerSees('the EIC fee restored', (ref) => eicFee(ref)?.feePaise === (before as { feePaise: number }).feePaise, eicFee);
    }
  });

  it("where the office signs with the officer's DSC: the approving officer signs the drawn certificate, then it is issued", async () => {
    await registerWithDsc(stack, pki, t.priya, '', 'officer-eic-mum', false);
    const em = stack.orm.em.fork();
    const office = await em.findOneOrFail(AgencyOfficeRow, { code: 'EIC-MUM' });
    const before = office.data;
    try {
      await em.getConnection().execute(`update agency_office set data = jsonb_set(data, '{certificateSigning}', '"officer-dsc"') where code = 'EIC-MUM'`);
      await workerSees("EIC-MUM signing with the officer's DSC", (ref) => mumbaiSigning(ref) === 'officer-dsc', mumbaiSigning);
      const app = await inProcess();
      expect((await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya })).status).toBe(200);
      const waiting = await waitForStatus(stack, t.raj, app.id, 'Approved Pending Issuance');
      const state = await waitFor(async () => (await workflowState(stack, t.priya, app.id)).certificateSigning, { what: 'the signing request in the workflow state', timeoutMs: 20_000, intervalMs: 100 });
      expect(state, 'the signing request in the workflow state').toBeTruthy();
      expect(state.signer.id).toBe('officer-eic-mum');
      expect(waiting.certificateNumber ?? null).toBeNull();
      // not downloadable before it is signed
      const certNo = state.certificateNumber as string;
      expect((await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(certNo)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } })).status).toBe(409);

      const req = await api(stack, 'GET', `/v1/applications/${app.id}/certificate/signing`, { token: t.priya });
      expect(req.status, JSON.stringify(req.body)).toBe(200);
      expect(createHash('sha256').update(Buffer.from(req.body.contentB64, 'base64')).digest('hex')).toBe(req.body.contentSha256);
      // another officer of the office cannot sign it; nor can Priya with a key that is not her registered DSC
      const other = await api(stack, 'POST', `/v1/applications/${app.id}/certificate/signature`, { token: t.second, body: { signatureB64: sign(pki, 'officer-eic-mum', req.body.contentB64) } });
      expect(other.status).toBe(403);
      expect(other.body.detail).toContain('Priya Deshpande');
      const wrongKey = await api(stack, 'POST', `/v1/applications/${app.id}/certificate/signature`, { token: t.priya, body: { signatureB64: sign(pki, 'officer-eic-koc', req.body.contentB64) } });
      expect(wrongKey.status, JSON.stringify(wrongKey.body)).toBeGreaterThanOrEqual(400);
      expect(wrongKey.status).toBeLessThan(500);
      expect((await workflowState(stack, t.priya, app.id)).status).toBe('Approved Pending Issuance');

      const signed = await api(stack, 'POST', `/v1/applications/${app.id}/certificate/signature`, { token: t.priya, body: { signatureB64: sign(pki, 'officer-eic-mum', req.body.contentB64) } });
      expect(signed.status, JSON.stringify(signed.body)).toBe(200);
      const done = await waitForStatus(stack, t.raj, app.id, 'Approved');
      expect(done.certificateNumber).toBe(certNo);
      const again = await api(stack, 'POST', `/v1/applications/${app.id}/certificate/signature`, { token: t.priya, body: { signatureB64: sign(pki, 'officer-eic-mum', req.body.contentB64) } });
      expect(again.status).toBe(409);

      // the PDF carries Priya's own signature, valid and trusted, over the whole document
      const res = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(certNo)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
      expect(res.status).toBe(200);
      const dir = await mkdtemp(join(tmpdir(), 'coo-officer-sig-'));
      try {
        const file = join(dir, 'certificate.pdf');
        await writeFile(file, Buffer.from(await res.arrayBuffer()));
        const out = await pdfsig(file, await createNssDb(dir, [pki.rootCaPem]));
        expect(out).toContain('Signature Validation: Signature is Valid.');
        expect(out).toContain('Certificate Validation: Certificate is Trusted.');
        expect(out).toContain('Signer Certificate Common Name: PRIYA DESHPANDE');
        expect(out).toContain('Total document signed');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      await em.getConnection().execute(`update agency_office set data = ?::jsonb where code = 'EIC-MUM'`, [JSON.stringify(before)]);
      await workerSees('EIC-MUM signing as before', (ref) => mumbaiSigning(ref) === (before as { certificateSigning?: string }).certificateSigning, mumbaiSigning);
    }
  });

  it('submits with Update-with-Start: the workflow coo-application/<number> answers with the bytes to sign; a second submit is refused', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    const sub = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj });
    expect(sub.status, JSON.stringify(sub.body)).toBe(202);
    expect(sub.body).toMatchObject({ workflowId: `coo-application/${draft.number}`, status: 'Pending Signature', signing: { purpose: 'submission', round: 0 } });
    const handle = stack.client.workflow.getHandle(applicationWorkflowId(draft.number));
    expect((await handle.describe()).taskQueue).toBe(TASK_QUEUE);
    // the answer came from the signingPayload Update sent with the start, not from polling a Query
    const events = (await handle.fetchHistory()).events ?? [];
    const accepted = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).toBe('signingPayload');
    expect(events.some((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toBe(true);

    const again = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('illegal_transition');
    await handle.terminate('test done');
  });

  it('a submit retried with the same Idempotency-Key after a lost answer gets the same signing payload', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    const headers = { 'idempotency-key': `submit-${draft.id}` };
    const first = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const repeat = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj, headers });
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(202);
    expect(repeat.body).toEqual(first.body);
    // the answer was lost before it was kept (a crash): the running workflow answers again with the same bytes
    await stack.orm.em.fork().nativeUpdate(KeptAnswer, { scope: { $like: `application/${draft.id}/%` } }, { status: 0, body: {} });
    const again = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj, headers });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.signing.sha256).toBe(first.body.signing.sha256);
    // another key is another submission: refused
    const other = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj, headers: { 'idempotency-key': `other-${draft.id}` } });
    expect(other.status).toBe(409);
    await stack.client.workflow.getHandle(applicationWorkflowId(draft.number)).terminate('test done');
  });

  it('goes from draft to Approved with a file number, a tax invoice, a certificate and an audit trail', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    const pending = await waitForStatus(stack, t.raj, draft.id, 'Pending Payment');
    // EIC-MUM and a Maharashtra branch: CGST + SGST
    expect(pending.fee.lines.map((l: any) => l.description)).toEqual(expect.arrayContaining([expect.stringMatching(/^CGST/), expect.stringMatching(/^SGST/)]));
    await payAtGateway(stack, t.raj, draft.id, 'success');
    const submitted = await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    expect(submitted.fileNumber).toMatch(/^[A-Z]{4}COAPPLY\d{8}AM\d{2}$/);

    const invoice = await api(stack, 'GET', `/v1/applications/${draft.id}/tax-invoice`, { token: t.raj });
    expect(invoice.status).toBe(200);
    expect(invoice.body.totalPaise).toBe(pending.fee.totalPaise);

    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved');
    expect(done.certificateNumber).toMatch(/^EIC\/\d{4}\/\d{3}\/\d{7}A$/);
    expect(done.history.map((h: any) => h.status)).toEqual(['Pending Signature', 'Pending Payment', 'In-Process', 'Approved Pending Issuance', 'Approved']);

    await stack.client.workflow.getHandle(applicationWorkflowId(draft.number)).result(); // the approval e-mail goes out last
    const em = stack.orm.em.fork();
    expect(await em.count(CertificateRow, { applicationId: draft.id })).toBe(1);
    const audit = await em.find(AuditEvent, { subjectId: draft.number }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['submitted-for-signature', 'signed', 'paid-and-submitted', 'approved', 'certificate-issued']);
    expect(audit.find((a) => a.action === 'approved')!.actor).toContain('officer-eic-mum');
    // people by their names: the exporter's signature reads "Raj Kumar Sharma", not the user id alone
    expect(audit.find((a) => a.action === 'signed')!.actor).toBe('AAACR5055K-1 (Raj Kumar Sharma)');
    const signedStep = done.history.find((h: any) => h.status === 'Pending Payment');
    expect(signedStep.actor).toMatchObject({ id: 'AAACR5055K-1', name: 'Raj Kumar Sharma' });
    expect(done.history.every((h: any) => h.actor.name !== h.actor.id || h.actor.id === 'system')).toBe(true);
    const mails = await em.find(NotificationRow, { applicationId: draft.id, channel: 'email' });
    expect(mails.map((m) => m.template)).toEqual(expect.arrayContaining(['submission', 'officer-new-file', 'approval']));
    expect(mails.every((m) => m.sentAt)).toBe(true);
    // the approval e-mail's verification link is the public page's real address, and it opens the certificate
    const approvalMail = mails.find((m) => m.template === 'approval')!;
    const cert = await em.findOneOrFail(CertificateRow, { applicationId: draft.id });
    const link = approvalMail.body.match(/https?:\/\/\S+\/verify\S*/)?.[0];
    expect(link).toBe(`${stack.baseUrl}/verify?no=${done.certificateNumber}&t=${cert.verificationToken}`);
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(done.certificateNumber);

    // the Temporal UI filters by these
    const desc = await stack.client.workflow.getHandle(applicationWorkflowId(draft.number)).describe();
    expect(desc.taskQueue).toBe(TASK_QUEUE);
    const sa = desc.typedSearchAttributes;
    expect(sa.get({ name: 'CooFileStatus', type: 'KEYWORD' } as any)).toBe('Approved');
    expect(sa.get({ name: 'CooIec', type: 'KEYWORD' } as any)).toBe('AAACR5055K');
    expect(sa.get({ name: 'CooOffice', type: 'KEYWORD' } as any)).toBe('EIC-MUM');
    expect(sa.get({ name: 'CooCertificateNumber', type: 'KEYWORD' } as any)).toBe(done.certificateNumber);
  });

  it('takes two deficiency rounds, one answered by editing ("Yes") and one by a signed clarification ("No")', async () => {
    const app = await inProcess();
    const d1 = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/deficiency`, {
      token: t.priya,
      body: { remarks: 'Declaration place must be the place of the signatory.', documentsRequested: [] },
    });
    expect(d1.status, JSON.stringify(d1.body)).toBe(200);
    await waitForStatus(stack, t.raj, app.id, 'Deficient');

    // "Yes": edit the application, then sign the edited version
    const get = await api(stack, 'GET', `/v1/applications/${app.id}`, { token: t.raj });
    const declaration = { ...get.body.tabs.declaration, place: 'Navi Mumbai' };
    const saved = await api(stack, 'PUT', `/v1/applications/${app.id}/tabs/declaration`, { token: t.raj, body: declaration, headers: { 'if-match': `"${get.body.version}"` } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const edit = await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, { token: t.raj, body: { kind: 'edit' } });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body.purpose).toBe('deficiency-edit');
    expect(Buffer.from(edit.body.contentB64, 'base64').toString()).toContain('Navi Mumbai');
    const s1 = await api(stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', edit.body.contentB64) } });
    expect(s1.status, JSON.stringify(s1.body)).toBe(200);
    await waitForStatus(stack, t.raj, app.id, 'In-Process');

    // "No": a clarification with a file, signed
    const d2 = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/deficiency`, {
      token: t.priya,
      body: { remarks: 'Send the cost sheet for item 1.', documentsRequested: ['cost_sheet'] },
    });
    expect(d2.status).toBe(200);
    await waitForStatus(stack, t.raj, app.id, 'Deficient');
    const pdf = tinyPdf();
    const up = await fetch(`${stack.baseUrl}/v1/applications/${app.id}/deficiency-response/attachments?fileName=cost-sheet.pdf&documentType=cost_sheet`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
      body: pdf,
    });
    expect(up.status, await up.clone().text()).toBe(201);
    const file = (await up.json()) as { id: string };
    const exe = await fetch(`${stack.baseUrl}/v1/applications/${app.id}/deficiency-response/attachments?fileName=sheet.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
      body: Buffer.from('MZ\x90\x00this is a program'),
    });
    expect(exe.status).toBe(422);
    const clar = await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, {
      token: t.raj,
      body: { kind: 'clarification', clarification: 'Cost sheet attached.', attachmentIds: [file.id] },
    });
    expect(clar.status, JSON.stringify(clar.body)).toBe(200);
    expect(clar.body.purpose).toBe('clarification');
    const s2 = await api(stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', clar.body.contentB64) } });
    expect(s2.status, JSON.stringify(s2.body)).toBe(200);
    const back = await waitForStatus(stack, t.raj, app.id, 'In-Process');
    expect(back.deficiencies).toHaveLength(2);
    expect(back.deficiencies[0].response.kind).toBe('edit');
    expect(back.deficiencies[1].response).toMatchObject({ kind: 'clarification', clarification: 'Cost sheet attached.', attachmentIds: [file.id] });

    await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya });
    await waitForStatus(stack, t.raj, app.id, 'Approved');
  });

  it('rejects with a reason; a second decision is refused naming who decided; other offices cannot decide', async () => {
    const app = await inProcess();
    const foreign = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.kochi });
    expect(foreign.status).toBe(404); // not even visible to another office
    const rej = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/reject`, { token: t.priya, body: { reason: 'Goods do not meet the origin criterion.' } });
    expect(rej.status, JSON.stringify(rej.body)).toBe(200);
    const again = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.second });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_decided');
    expect(again.body.detail).toContain('Priya Deshpande');
    const s = await waitForStatus(stack, t.raj, app.id, 'Rejected');
    expect(s.rejectionReason).toBe('Goods do not meet the origin criterion.');
  });

  it('a decision on a finished file says what it became, by whom and when; a repeat with the same Idempotency-Key gets the first answer after completion', async () => {
    const app = await inProcess();
    const key = `approve-${app.id}`;
    const first = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya, headers: { 'idempotency-key': key } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, app.id, 'Approved');
    // the workflow has completed: Temporal no longer knows the Update ID, the database still has the answer
    await waitFor(() => stack.client.workflow.getHandle(`coo-application/${app.number}`).describe(), { what: 'the workflow completed', until: (d) => d.status.name === 'COMPLETED' });
    const repeat = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya, headers: { 'idempotency-key': key } });
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body).toEqual(first.body);

    const late = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/reject`, { token: t.second, body: { reason: 'Too late.' } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('already_decided');
    expect(late.body.detail).toMatch(new RegExp(`^File ${done.fileNumber} is Approved: Priya Deshpande approved it on \\d{2} [A-Z][a-z]{2} \\d{4}, \\d{2}:\\d{2} IST\\.$`));
    expect(late.body.detail).not.toContain('submit it first');
  });

  it('two officers approving at once give exactly one decision', async () => {
    const app = await inProcess();
    const [a, b] = await Promise.all([
      api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya }),
      api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.second }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('already_decided');
    await waitForStatus(stack, t.raj, app.id, 'Approved');
    expect(await stack.orm.em.fork().count(CertificateRow, { applicationId: app.id })).toBe(1);
  });

  it('records a payment once when the gateway calls back twice', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    const orderId = await payAtGateway(stack, t.raj, draft.id, 'success-twice');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const em = stack.orm.em.fork();
    const payments = await em.find(PaymentRow, { applicationId: draft.id });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ orderId, status: 'paid', confirmedVia: 'callback' });
    expect(payments[0]!.callbacksReceived).toBe(2);
    expect(await em.count(TaxInvoiceRow, { applicationId: draft.id })).toBe(1);
  });

  it('reconciles a payment whose callback never arrived by asking the gateway', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success-no-callback');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const p = await stack.orm.em.fork().findOneOrFail(PaymentRow, { applicationId: draft.id });
    expect(p).toMatchObject({ status: 'paid', confirmedVia: 'reconciliation', callbacksReceived: 0 });
  });

  it('pays from the e-wallet, refusing clearly when the balance is short', async () => {
    const em = stack.orm.em.fork();
    await em.upsert(WalletRow, { iec: 'AAACR5055K', officeCode: 'EIC-MUM', balancePaise: 100 });
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    const due = (await waitForStatus(stack, t.raj, draft.id, 'Pending Payment')).fee.totalPaise;
    const short = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'ewallet' } });
    expect(short.status).toBe(402);
    expect(short.body.code).toBe('payment_failed');
    expect(short.body.detail).toMatch(/e-wallet at EIC-MUM holds ₹1\.00, less than the fee/);
    await em.fork().nativeUpdate(WalletRow, { iec: 'AAACR5055K', officeCode: 'EIC-MUM' }, { balancePaise: due + 5000 });
    const paid = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'ewallet' }, headers: { 'idempotency-key': 'wallet-pay-0001' } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const again = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'ewallet' }, headers: { 'idempotency-key': 'wallet-pay-0001' } });
    expect(again.body.orderId).toBe(paid.body.orderId); // the same update, answered again
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const wallet = await em.fork().findOneOrFail(WalletRow, { iec: 'AAACR5055K', officeCode: 'EIC-MUM' });
    expect(wallet.balancePaise).toBe(5000);
    expect(await em.fork().count(WalletEntry, { entryKey: paid.body.orderId })).toBe(1);
  });

  it('lets the exporter pay again after the bank declines', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    const failed = await payAtGateway(stack, t.raj, draft.id, 'failure');
    await waitFor(() => workflowState(stack, t.raj, draft.id), { what: `the declined payment ${failed} in the workflow state`, timeoutMs: 20_000, intervalMs: 100, until: (s) => s.payment?.status === 'failed', show: (s) => s.payment });
    expect((await workflowState(stack, t.raj, draft.id)).payment).toMatchObject({ orderId: failed, status: 'failed' });
    const second = await payAtGateway(stack, t.raj, draft.id, 'success');
    expect(second).not.toBe(failed);
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const rows = await stack.orm.em.fork().find(PaymentRow, { applicationId: draft.id }, { orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['failed', 'paid']);
  });

  it('closes an unanswered deficiency as Rejected after reminders (the documented rule)', async () => {
    // the waits are fixed when the workflow starts: this application gets a 4-second response window
    stack.config.timings = { ...fast, deficiencyWindow: '4 seconds', deficiencyReminders: ['1 second', '2 seconds'] };
    let app: { id: string; number: string };
    try {
      app = await inProcess();
    } finally {
      stack.config.timings = { ...fast };
    }
    const d = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/deficiency`, { token: t.priya, body: { remarks: 'Attach the packing list.', documentsRequested: ['packing_list'] } });
    expect(d.status).toBe(200);
    const s = await waitForStatus(stack, t.raj, app.id, 'Rejected', 30_000);
    expect(s.rejectionReason).toBe('No response to deficiency 1 within the response window.');
    await stack.client.workflow.getHandle(applicationWorkflowId(app.number)).result();
    const em = stack.orm.em.fork();
    expect(await em.count(NotificationRow, { applicationId: app.id, template: 'reminder-deficiency' })).toBe(2);
    expect(await em.count(NotificationRow, { applicationId: app.id, template: 'rejection', channel: 'email' })).toBe(1);
  });

  it('refuses a forged gateway callback', async () => {
    const r = await api(stack, 'POST', '/v1/payments/callback', {
      body: { merchantId: 'X', orderId: '00000000-0000-0000-0000-000000000000', status: 'SUCCESS', gatewayTxnId: 'T1', amountPaise: 1, checksum: 'ab' },
    });
    expect(r.status).toBe(404);
  });

  it('expires an unpaid application after reminders', async () => {
    stack.config.timings = { ...fast, paymentWindow: '5 seconds', paymentReminders: ['1 second', '2 seconds'] };
    try {
      const draft = await createCompleteDraft(stack, t.raj);
      await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
      const s = await waitForStatus(stack, t.raj, draft.id, 'Expired', 30_000);
      expect(s.history.at(-1).note).toContain('not paid');
      const reminders = await stack.orm.em.fork().find(NotificationRow, { applicationId: draft.id, template: 'reminder-payment' });
      expect(reminders).toHaveLength(2);
      const pay = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'gateway' } });
      expect(pay.status).toBe(409);
    } finally {
      stack.config.timings = { ...fast };
    }
  });

  it('refuses a signature by another DSC, with its specific error, and keeps waiting', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    const sub = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.raj });
    expect(sub.status).toBe(202);
    const bad = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-expired', sub.body.signing.contentB64) } });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('dsc_expired');
    expect((await workflowState(stack, t.raj, draft.id)).status).toBe('Pending Signature');
    const good = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', sub.body.signing.contentB64) } });
    expect(good.status).toBe(200);
  });
});
