import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { parsePackages, printedCountryName, printedHsCode } from '../../services/certificate/certificate-document.js';
import { publicHistory } from '../../services/certificate/public-history.js';
import { parseQrContent, verifyQrContent } from '../../services/certificate/qr-payload.js';
import { AttestedDocumentRow, CertificateRow, NotificationRow } from '../../db/entities/index.js';
import { todayInIndia } from '../../domain/application/financial-year.js';
import { certificateYearOf } from '../../domain/numbering/certificate-number.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord, saveTabOrThrow, uploadAttachment, type CompleteTabs } from '../helpers/drafts.js';
import { waitFor } from '../helpers/wait-for.js';
import sharp from 'sharp';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { createNssDb, pdfsig, renderPages, runTool, zbar } from '../integration/certificate/helpers.js';

// Issue 5 end to end: an application approved through the HTTP API gets its signed "Electronic Copy",
// checked with the real tools (poppler's pdfsig, pdftoppm, pdftotext; zbarimg) and the published keys.
describe('certificate of an approved application: signed PDF, QR code, download', () => {
  let stack: Stack;
  let pki: TestPki;
  let dir: string;
  let nssDir: string;
  const t = {} as Record<'raj' | 'anita' | 'priya' | 'kochi' | 'delhi' | 'helpdesk' | 'eicAdmin', string>;
  let oman: { id: string; number: string; certificateNumber: string; tabs: CompleteTabs; attest?: { invoiceId: string; packingListId: string } };
  let meta: any;
  let pdf: Buffer;
  let pdfFile: string;

  async function approvedApplication(tabs?: Partial<CompleteTabs>, opts: { attest?: boolean } = {}) {
    const draft = await createCompleteDraft(stack, t.raj, tabs ? { tabs } : {});
    let attest: { invoiceId: string; packingListId: string } | undefined;
    if (opts.attest) {
      // tab 6: the invoice marked "Attest", and a scanned packing list marked "Attest" (the officer declines it)
      const jpg = await sharp({ create: { width: 600, height: 800, channels: 3, background: { r: 250, g: 250, b: 245 } } }).jpeg().toBuffer();
      const up = await uploadAttachment(stack, t.raj, draft.id, jpg, { documentType: 'packing_list', fileName: 'packing-list.jpg', attest: true });
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      const files = up.body.application.tabs.attachments.files.map((f: any) => ({ id: f.id, documentType: f.documentType, attest: true }));
      await saveTabOrThrow(stack, t.raj, draft.id, 'attachments', { files });
      attest = { invoiceId: draft.invoiceAttachmentId!, packingListId: up.body.attachment.id };
    }
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    if (attest) {
      // only a document marked "Attest" can be declined, and only with a remark
      const wrong = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya, body: { declineAttestation: [{ attachmentId: 'not-an-attachment', remark: 'x' }] } });
      expect(wrong.status, JSON.stringify(wrong.body)).toBe(422);
      expect(wrong.body.errors[0]).toMatchObject({ path: 'body/declineAttestation/0/attachmentId', message: expect.stringContaining('is not a document the exporter marked for attestation') });
      const silent = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya, body: { declineAttestation: [{ attachmentId: attest.packingListId, remark: ' ' }] } });
      expect(silent.status, JSON.stringify(silent.body)).toBe(422);
    }
    const body = attest ? { declineAttestation: [{ attachmentId: attest.packingListId, remark: 'The scan is not legible: attach a clearer copy with a request in lieu.' }] } : undefined;
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya, ...(body ? { body } : {}) });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved');
    return { id: draft.id, number: draft.number, certificateNumber: done.certificateNumber as string, tabs: draft.tabs, ...(attest ? { attest } : {}) };
  }

  const download = (number: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(number)}/pdf`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

  beforeAll(async () => {
    stack = await startStack({ name: 'certificate' });
    pki = await testPki(stack);
    await stack.startWorker();
    dir = await mkdtemp(join(tmpdir(), 'coo-cert-e2e-'));
    nssDir = await createNssDb(dir, [pki.rootCaPem]);
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.anita = await stack.token({ sub: 'AABCS1429B-1', name: 'Anita Menon', roles: ['exporter'], iec: 'AABCS1429B' });
    t.priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    t.kochi = await stack.token({ sub: 'officer-eic-koc', name: 'Thomas Varghese', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
    t.delhi = await stack.token({ sub: 'officer-eic-del', name: 'Rohit Malhotra', roles: ['officer'], officeCode: 'EIC-DEL', agencyCode: 'EIC' });
    t.helpdesk = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    t.eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
    oman = await approvedApplication(undefined, { attest: true });
    meta = (await api(stack, 'GET', `/v1/applications/${oman.id}/certificate`, { token: t.raj })).body;
    pdf = Buffer.from(await (await download(oman.certificateNumber, t.raj)).arrayBuffer());
    pdfFile = join(dir, 'oman.pdf');
    await writeFile(pdfFile, pdf);
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is signed and stored at approval; its metadata gives the download and verification links', async () => {
    expect(oman.certificateNumber).toMatch(/^EIC\/\d{4}\/031\/\d{7}A$/);
    const r = await api(stack, 'GET', `/v1/applications/${oman.id}/certificate`, { token: t.raj });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual(meta);
    expect(meta).toMatchObject({
      certificateNumber: oman.certificateNumber,
      applicationNumber: oman.number,
      status: 'issued',
      kind: 'original',
      iec: 'AAACR5055K',
      officeCode: 'EIC-MUM',
      agreementCode: 'IOCEPA',
      issuedBy: 'officer-eic-mum',
      pdf: { ready: true, signedBy: { commonName: 'EIC-MUM e-Seal' }, pageCount: 1 },
    });
    expect(meta.pdf.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.pdf.url).toBe(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(oman.certificateNumber)}/pdf`);
    const row = await stack.orm.em.fork().findOneOrFail(CertificateRow, { number: oman.certificateNumber });
    expect(meta.verificationUrl).toBe(`${stack.baseUrl}/verify?no=${oman.certificateNumber}&t=${row.verificationToken}`);
    expect(meta.history).toEqual([expect.objectContaining({ type: 'issued', description: 'Certificate issued and digitally signed', actor: 'EIC - Mumbai (Regional Office)' })]);
    // the document is frozen into the record at issuance, as printed
    expect((row.document as any).certificate).toMatchObject({
      certificateNumber: oman.certificateNumber,
      agreement: { code: 'IOCEPA', title: 'India Oman CEPA (Agency Issued)' },
      exporter: { name: 'RAJ KUMAR EXPORTS PRIVATE LIMITED', iec: 'AAACR5055K', address: expect.stringContaining('Marol Industrial Estate') },
      importer: { name: 'Al Batinah Home Trading LLC', country: 'Oman', countryCode: 'OM' },
      certification: { officerName: 'Priya Deshpande', officerDesignation: 'Deputy Director', place: 'MUMBAI' },
    });
    expect((row.document as any).certificate.goods.map((g: any) => [g.hsCode, g.preferenceCriterion, g.packages])).toEqual([
      ['630231', 'PE', { count: 60, kind: 'corrugated cartons' }],
      ['732393', 'VA 42.5%', { count: 40, kind: 'wooden crates' }],
    ]);

    const absent = await api(stack, 'GET', `/v1/applications/${oman.id}/certificate`, { token: t.anita });
    expect(absent.status).toBe(404);
  });

  it('downloads for the exporter, the office, the agency and staff; 404 for anyone else, 401 without a token', async () => {
    const res = await download(oman.certificateNumber, t.raj);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')?.replace(/"/g, '')).toBe(`attachment; filename=certificate-${oman.certificateNumber.replace(/\//g, '-')}.pdf`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const sha = createHash('sha256').update(body).digest('hex');
    expect(sha).toBe(meta.pdf.sha256);
    expect(body.length).toBe(meta.pdf.sizeBytes);
    expect(res.headers.get('etag')).toBe(`"${sha}"`);
    expect(res.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha, 'hex').toString('base64')}:`);

    for (const token of [t.priya, t.helpdesk, t.eicAdmin]) {
      const r = await download(oman.certificateNumber, token);
      expect(r.status).toBe(200);
      expect(createHash('sha256').update(Buffer.from(await r.arrayBuffer())).digest('hex')).toBe(sha);
    }
    expect((await download(oman.certificateNumber, t.raj, { 'if-none-match': `"${sha}"` })).status).toBe(304);
    // lower case and spaces are forgiven
    expect((await download(` ${oman.certificateNumber.toLowerCase()}`, t.raj)).status).toBe(200);

    for (const token of [t.kochi, t.anita]) {
      const r = await download(oman.certificateNumber, token);
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ code: 'not_found', detail: `Certificate ${oman.certificateNumber} was not found.` });
    }
    const unknown = await download('EIC/2026/031/9999999A', t.raj);
    expect(unknown.status).toBe(404);
    expect((await download(oman.certificateNumber)).status).toBe(401);
  });

  it('carries a PAdES-style signature that pdfsig reports valid, and trusted with the test root', async () => {
    const out = await pdfsig(pdfFile, nssDir);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signer Certificate Common Name: EIC-MUM e-Seal');
    expect(out).toContain('Total document signed');
    const emptyNss = await createNssDb(dir, []);
    const untrusted = await pdfsig(pdfFile, emptyNss);
    expect(untrusted).toContain('Signature is Valid.');
    expect(untrusted).not.toContain('Certificate is Trusted.');
  });

  it('prints the application in the India-Oman CEPA layout', async () => {
    const text = (await runTool('pdftotext', ['-layout', pdfFile, '-'])).stdout;
    expect(text).toContain('India – Oman Comprehensive Economic');
    expect(text).toContain('India Oman CEPA (Agency Issued)');
    expect(text).toContain(oman.certificateNumber);
    expect(text).toContain('RAJ KUMAR EXPORTS PRIVATE LIMITED');
    expect(text).toContain('Al Batinah Home Trading LLC');
    expect(text).toContain('RKE/SOH/1-60');
    expect(text).toContain('630231');
    expect(text).toContain('VA 42.5%');
    expect(text).toContain('Bill of Lading No. MSCUJN2608123');
    expect(text).toContain('Priya Deshpande');
  });

  it('has a QR code that decodes to the verification URL, with a summary that verifies offline with the published keys', async () => {
    const [png] = await renderPages(pdfFile, join(dir, 'oman-page'), { dpi: 200, first: 1, last: 1 });
    const decoded = await zbar(png!);
    expect(decoded).toHaveLength(1);
    const text = decoded[0]!;
    expect(text.split('#')[0]).toBe(meta.verificationUrl);
    const parsed = parseQrContent(text);
    expect(parsed.certificateNumber).toBe(oman.certificateNumber);

    const keys = await api(stack, 'GET', '/.well-known/coo-keys.json');
    expect(keys.status).toBe(200);
    expect(keys.headers.get('content-type')).toContain('application/jwk-set+json');
    expect(keys.body.keys).toHaveLength(1);
    expect(keys.body.keys[0]).not.toHaveProperty('d');
    const offline = await verifyQrContent(text, keys.body);
    expect(offline.valid, JSON.stringify(offline)).toBe(true);
    if (!offline.valid) return;
    expect(offline.claims).toMatchObject({ no: oman.certificateNumber, ag: 'IOCEPA', iec: 'AAACR5055K', ex: 'RAJ KUMAR EXPORTS PRIVATE LIMITED', ic: 'OM', hs: ['630231', '732393'], tv: '12500.00', cur: 'USD' });

    // another key set (a forger's) does not verify it
    const other = { keys: [{ ...keys.body.keys[0], x: keys.body.keys[0].y, y: keys.body.keys[0].x }] };
    expect((await verifyQrContent(text, other)).valid).toBe(false);
  });

  it('fails pdfsig when one byte of the PDF changes', async () => {
    // one letter of the signature dictionary's /Reason: the file stays well-formed, the signed bytes differ
    const at = pdf.toString('latin1').indexOf(`/Reason (Certificate of origin ${oman.certificateNumber}`) + '/Reason ('.length;
    expect(at).toBeGreaterThan(100);
    const tampered = Buffer.from(pdf);
    tampered[at] = 'c'.charCodeAt(0);
    const file = join(dir, 'tampered.pdf');
    await writeFile(file, tampered);
    const out = await pdfsig(file, nssDir);
    expect(out).not.toContain('Signature is Valid.');
    expect(out).toMatch(/Digest Mismatch|Signature is Invalid/);
  });

  it('is rendered once: issuing the document again keeps the stored PDF', async () => {
    const activities = createActivities(stack.deps);
    const again = await activities.issueCertificateDocument({ applicationId: oman.id, certificateNumber: oman.certificateNumber });
    expect(again).toEqual({ rendered: true });
    const row = await stack.orm.em.fork().findOneOrFail(CertificateRow, { number: oman.certificateNumber }, { populate: ['pdf'] });
    expect(row.pdfSha256).toBe(meta.pdf.sha256);
    expect(Buffer.from(row.pdf as Uint8Array).equals(pdf)).toBe(true);
  });

  it('attests the invoice marked "Attest": a sealed copy (pdfsig: valid) with the attestation block; the declined scan listed with its remark', async () => {
    const list = await api(stack, 'GET', `/v1/certificates/${encodeURIComponent(oman.certificateNumber)}/attested-documents`, { token: t.raj });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(meta.attestedDocumentsUrl).toBe(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(oman.certificateNumber)}/attested-documents`);
    const invoice: any = list.body.items.find((d: any) => d.id === oman.attest!.invoiceId);
    const packing = list.body.items.find((d: any) => d.id === oman.attest!.packingListId);
    expect(list.body.items).toHaveLength(2);
    expect(invoice).toMatchObject({ fileName: 'commercial-invoice.pdf', status: 'attested', remark: null, decidedBy: 'officer-eic-mum (Priya Deshpande)', pdf: { pageCount: 1, appendedPage: false } });
    expect(packing).toMatchObject({ fileName: 'packing-list.jpg', status: 'declined', remark: 'The scan is not legible: attach a clearer copy with a request in lieu.', pdf: null });

    const res = await fetch(invoice.pdf.url, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(invoice.pdf.sha256);
    const file = join(dir, 'attested-invoice.pdf');
    await writeFile(file, bytes);
    const sig = await pdfsig(file, nssDir);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(sig).toContain('Signer Certificate Common Name: EIC-MUM e-Seal');
    const text = (await runTool('pdftotext', [file, '-'])).stdout;
    expect(text).toContain('COMMERCIAL INVOICE');
    expect(text).toContain('Attested copy');
    expect(text).toContain('Attested by Priya Deshpande');
    expect(text).toContain(`Certificate No. ${oman.certificateNumber}`);

    // the officers see it; another exporter or office does not; a declined document has no copy
    expect((await fetch(invoice.pdf.url, { headers: { authorization: `Bearer ${t.priya}` } })).status).toBe(200);
    expect((await fetch(invoice.pdf.url, { headers: { authorization: `Bearer ${t.anita}` } })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/certificates/${encodeURIComponent(oman.certificateNumber)}/attested-documents`, { token: t.kochi })).status).toBe(404);
    const declined = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(oman.certificateNumber)}/attested-documents/${oman.attest!.packingListId}.pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(declined.status).toBe(404);
    expect(((await declined.json()) as { detail: string }).detail).toContain('The scan is not legible');

    // the approval e-mail lists both
    const mail = await waitFor(() => stack.orm.em.fork().findOne(NotificationRow, { applicationId: oman.id, template: 'approval', channel: 'email' }), {
      what: 'the approval e-mail',
      until: (m) => m !== null,
    });
    expect(mail!.body).toContain(`commercial-invoice.pdf: attested copy, ${invoice.pdf.url}`);
    expect(mail!.body).toContain('packing-list.jpg: not attested. Remark: The scan is not legible');

    // issuing again (a retried activity) adds no row and keeps the sealed copy
    const again = await createActivities(stack.deps).issueAttestedDocuments({ applicationId: oman.id, certificateNumber: oman.certificateNumber, officer: { id: 'officer-eic-mum', name: 'Priya Deshpande' }, declined: [] });
    expect(again).toEqual({ attested: 1, declined: 1 });
    const rows = await stack.orm.em.fork().find(AttestedDocumentRow, { certificateNumber: oman.certificateNumber });
    expect(rows.map((r) => [r.attachmentId, r.status, r.pdfSha256])).toEqual(
      expect.arrayContaining([
        [oman.attest!.invoiceId, 'attested', invoice.pdf.sha256],
        [oman.attest!.packingListId, 'declined', null],
      ]),
    );
    expect(rows).toHaveLength(2);
  });

  it('lays out an ASEAN-India certificate as Form AI', async () => {
    const asean = await approvedApplication({
      certificateDetails: {
        ...oman.tabs.certificateDetails,
        agreementCode: 'AIFTA',
        importer: { name: 'Mekong Home Goods Joint Stock Company', address: 'Lot C2, Tan Thuan Export Processing Zone, District 7, Ho Chi Minh City', country: 'VN' },
        invoice: { ...oman.tabs.certificateDetails.invoice, number: `${oman.tabs.certificateDetails.invoice.number.slice(0, 20)}/VN` },
      },
      importDetails: {
        items: oman.tabs.importDetails.items.map((i) => (i.itemNo === 1 ? { ...i, preferenceCriterion: 'WO' } : { ...i, preferenceCriterion: 'RVC' })),
      },
      shipment: { ...oman.tabs.shipment, portOfDischarge: 'Cat Lai', route: 'By sea from Nhava Sheva (Jawaharlal Nehru) to Cat Lai' },
    });
    expect(asean.certificateNumber).toMatch(/^EIC\/\d{4}\/013\/\d{7}A$/);
    const res = await download(asean.certificateNumber, t.raj);
    expect(res.status).toBe(200);
    const file = join(dir, 'asean.pdf');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const text = (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
    expect(text).toContain('FORM AI');
    expect(text).toContain('ASEAN-INDIA FREE TRADE AREA');
    expect(text).toContain('Mekong Home Goods Joint Stock Company');
    expect(text).toContain('RVC 42.5%');
    expect(await pdfsig(file, nssDir)).toContain('Signature is Valid.');
  });

  // Seed 001 step 5 ("Preview Certificate") and "Whether CoO request before/after shipment": an IKCEPA application
  // requested after shipment, at EIC Delhi (no other test files applications there), previewed before signing
  // (watermarked, no signature, no QR code, no number taken), then issued with the agreement's mark.
  const previewOf = (id: string, token: string) => fetch(`${stack.baseUrl}/v1/applications/${id}/preview.pdf`, { headers: { authorization: `Bearer ${token}` } });
  async function saveFile(name: string, res: Response): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    return file;
  }
  const layoutText = async (file: string) => (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
  async function qrCodes(file: string, name: string): Promise<string[]> {
    const [png] = await renderPages(file, join(dir, name), { dpi: 200, first: 1, last: 1 });
    return zbar(png!);
  }

  it('refuses to preview a draft whose printed tabs are not saved, naming each', async () => {
    const created = await api(stack, 'POST', '/v1/applications', { token: t.raj });
    expect(created.status).toBe(201);
    await saveTabOrThrow(stack, t.raj, created.body.id, 'basicDetails', defaultTabs(await ensureIecRecord(stack, t.raj)).basicDetails);
    const r = await api(stack, 'GET', `/v1/applications/${created.body.id}/preview.pdf`, { token: t.raj });
    expect(r.status).toBe(422);
    expect(r.body.detail).toContain('save the "Certificate Details", "Export Details", "Import Details", "Shipment Details" and "Declaration" tabs');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['certificateDetails', 'exportProducts', 'importDetails', 'shipment', 'declaration']);
  });

  it('previews an after-shipment application before signing (watermark, mark; no signature, QR code or number), then issues it with its mark', async () => {
    const iec = await ensureIecRecord(stack, t.raj);
    const tabs = defaultTabs(iec);
    // shipped ten days ago (IKCEPA allows a certificate up to a year after shipment)
    const shipped = new Date(Date.parse(`${todayInIndia()}T00:00:00Z`) - 10 * 86_400_000).toISOString().slice(0, 10);
    const importDetails = structuredClone(tabs.importDetails);
    importDetails.items[1]!.preferenceCriterion = 'RVC';
    const draft = await createCompleteDraft(stack, t.raj, {
      tabs: {
        certificateDetails: {
          ...tabs.certificateDetails,
          requestTiming: 'after_shipment',
          agreementCode: 'IKCEPA',
          officeCode: 'EIC-DEL',
          importer: { name: 'Hanil Agro Foods Co.', address: '77 Jungang-daero, Jung-gu, Busan 48939', country: 'KR' },
        },
        importDetails,
        shipment: { ...tabs.shipment, portOfDischarge: 'Busan', route: 'By sea from Nhava Sheva (Jawaharlal Nehru) to Busan', shipmentDate: shipped },
      },
    });
    expect(draft.application.tabs.certificateDetails.requestTiming).toBe('after_shipment');

    // the preview: the exporter's, before signing; nobody else sees a draft
    const preview = await previewOf(draft.id, t.raj);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('application/pdf');
    const previewFile = await saveFile('preview.pdf', preview);
    const previewText = await layoutText(previewFile);
    expect((await runTool('pdftotext', ['-raw', previewFile, '-'])).stdout).toContain('DRAFT – NOT VALID');
    expect(previewText).toContain(`EIC/${certificateYearOf(new Date())}/002/PREVIEW`);
    expect(previewText).toContain('ISSUED RETROACTIVELY.');
    expect(previewText).toContain('To be signed by the issuing officer');
    expect(await pdfsig(previewFile)).toContain('does not contain any signatures');
    expect(await qrCodes(previewFile, 'preview-page')).toEqual([]);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}/preview.pdf`, { token: t.anita })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}/preview.pdf`, { token: t.delhi })).status).toBe(404);
    // nothing numbered or recorded for it
    expect(await stack.orm.em.fork().count(CertificateRow, { applicationId: draft.id })).toBe(0);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}`, { token: t.raj })).body.certificateNumber).toBeNull();

    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    // the office's officer sees the submitted file's preview; another office's does not
    expect((await previewOf(draft.id, t.delhi)).status).toBe(200);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}/preview.pdf`, { token: t.priya })).status).toBe(404);
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.delhi });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved');
    const number = done.certificateNumber as string;
    expect(number).toMatch(/^EIC\/\d{4}\/002\/\d{7}A$/);

    // the issued certificate: the mark in its remarks (box 5), signed, with its QR code
    const pdf = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(number)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(pdf.status).toBe(200);
    const issuedFile = await saveFile('issued.pdf', pdf);
    const issuedText = await layoutText(issuedFile);
    expect(issuedText).toMatch(/5\. Remarks\s+ISSUED RETROACTIVELY\./);
    expect(issuedText).not.toContain('NOT VALID');
    expect(await pdfsig(issuedFile)).toContain('Signature is Valid');
    expect(await qrCodes(issuedFile, 'issued-page')).toHaveLength(1);

    // verification, JSON and page
    const meta = (await api(stack, 'GET', `/v1/applications/${draft.id}/certificate`, { token: t.raj })).body;
    const token = new URL(meta.verificationUrl as string).searchParams.get('t')!;
    const json = await api(stack, 'GET', `/v1/public/certificates?no=${encodeURIComponent(number)}&t=${token}`);
    expect(json.status).toBe(200);
    expect(json.body.certificate).toMatchObject({ requestTiming: 'after_shipment', issuedRetrospectively: { mark: 'ISSUED RETROACTIVELY', printedIn: 'remarks' } });
    const page = await (await fetch(meta.verificationUrl as string)).text();
    expect(page).toContain('After shipment');
    expect(page).toContain('Yes — marked “ISSUED RETROACTIVELY” in the remarks');
  });
});

describe('what the certificate prints from the application', () => {
  it('reads the number and kind of packages from the free text', () => {
    expect(parsePackages('60 corrugated cartons')).toEqual({ count: 60, kind: 'corrugated cartons' });
    expect(parsePackages('1,200 bags')).toEqual({ count: 1200, kind: 'bags' });
    expect(parsePackages('Cartons: 25')).toEqual({ count: 25, kind: 'Cartons' });
    expect(parsePackages('10 x boxes')).toEqual({ count: 10, kind: 'boxes' });
    expect(parsePackages('In bulk')).toEqual({ count: 1, kind: 'In bulk' });
  });

  it('prints 6-digit HS codes and country names as on documents', () => {
    expect(printedHsCode({ hsCode: '6302', itcHsCode: '63023100' })).toBe('630231');
    expect(printedHsCode({ hsCode: '630231', itcHsCode: '63023100' })).toBe('630231');
    expect(printedCountryName('KR')).toBe('Republic of Korea');
    expect(printedCountryName('OM')).toBe('Oman');
  });

  it('shows the stored history with public sentences and the office as actor', () => {
    const h = publicHistory(
      [
        { at: '2026-06-02T09:00:00.000Z', event: 'issued', note: 'by Priya Deshpande' },
        { at: '2026-06-20T09:00:00.000Z', event: 'superseded', note: 'by EIC/2026/031/0000001A/00000001: importer name corrected' },
        { at: '2026-06-21T09:00:00.000Z', event: 'something-new', note: 'Corrected the route' },
      ],
      'EIC - Mumbai (Regional Office)',
    );
    expect(h).toEqual([
      { at: '2026-06-02T09:00:00.000Z', type: 'issued', description: 'Certificate issued and digitally signed', actor: 'EIC - Mumbai (Regional Office)' },
      {
        at: '2026-06-20T09:00:00.000Z',
        type: 'superseded',
        description: 'Superseded by certificate EIC/2026/031/0000001A/00000001, issued in lieu of it — importer name corrected',
        relatedCertificateNumber: 'EIC/2026/031/0000001A/00000001',
        actor: 'EIC - Mumbai (Regional Office)',
      },
      { at: '2026-06-21T09:00:00.000Z', type: 'note', description: 'Corrected the route', actor: 'EIC - Mumbai (Regional Office)' },
    ]);
  });

});
