import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateRow } from '../../db/entities/index.js';
import { todayInIndia } from '../../domain/application/financial-year.js';
import { certificateYearOf } from '../../domain/numbering/certificate-number.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord, saveTabOrThrow } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { pdfsig, renderPages, runTool, zbar } from '../integration/certificate/helpers.js';

// Seed 001 step 5 ("Preview Certificate") and "Whether CoO request before/after shipment", through the HTTP API:
// one IKCEPA application requested after shipment is previewed before signing (watermarked, no signature, no QR
// code, no number taken), then issued with the agreement's "ISSUED RETROACTIVELY" mark, which verification shows.
const OFFICE = 'EIC-DEL'; // no other test files applications there

describe('certificate preview and after-shipment certificates', () => {
  let stack: Stack;
  let pki: TestPki;
  let dir: string;
  const t = {} as Record<'raj' | 'anita' | 'officer' | 'mumbai', string>;

  const fetchPdf = (id: string, token: string) => fetch(`${stack.baseUrl}/v1/applications/${id}/preview.pdf`, { headers: { authorization: `Bearer ${token}` } });
  async function saveFile(name: string, res: Response): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    return file;
  }
  const text = async (file: string) => (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
  async function qrCodes(file: string, name: string): Promise<string[]> {
    const [png] = await renderPages(file, join(dir, name), { dpi: 200, first: 1, last: 1 });
    return zbar(png!);
  }

  beforeAll(async () => {
    stack = await startStack({ name: 'preview-and-shipment-timing' });
    pki = await testPki(stack);
    await stack.startWorker();
    dir = await mkdtemp(join(tmpdir(), 'coo-preview-e2e-'));
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.anita = await stack.token({ sub: 'AABCS1429B-1', name: 'Anita Menon', roles: ['exporter'], iec: 'AABCS1429B' });
    t.officer = await stack.token({ sub: 'officer-eic-del', name: 'Rohit Malhotra', roles: ['officer'], officeCode: OFFICE, agencyCode: 'EIC' });
    t.mumbai = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

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
          officeCode: OFFICE,
          importer: { name: 'Hanil Agro Foods Co.', address: '77 Jungang-daero, Jung-gu, Busan 48939', country: 'KR' },
        },
        importDetails,
        shipment: { ...tabs.shipment, portOfDischarge: 'Busan', route: 'By sea from Nhava Sheva (Jawaharlal Nehru) to Busan', shipmentDate: shipped },
      },
    });
    expect(draft.application.tabs.certificateDetails.requestTiming).toBe('after_shipment');

    // the preview: the exporter's, before signing; nobody else sees a draft
    const preview = await fetchPdf(draft.id, t.raj);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('application/pdf');
    const previewFile = await saveFile('preview.pdf', preview);
    const previewText = await text(previewFile);
    expect((await runTool('pdftotext', ['-raw', previewFile, '-'])).stdout).toContain('DRAFT – NOT VALID');
    expect(previewText).toContain(`EIC/${certificateYearOf(new Date())}/002/PREVIEW`);
    expect(previewText).toContain('ISSUED RETROACTIVELY.');
    expect(previewText).toContain('To be signed by the issuing officer');
    expect(await pdfsig(previewFile)).toContain('does not contain any signatures');
    expect(await qrCodes(previewFile, 'preview-page')).toEqual([]);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}/preview.pdf`, { token: t.anita })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}/preview.pdf`, { token: t.officer })).status).toBe(404);
    // nothing numbered or recorded for it
    expect(await stack.orm.em.fork().count(CertificateRow, { applicationId: draft.id })).toBe(0);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}`, { token: t.raj })).body.certificateNumber).toBeNull();

    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    // the office's officer sees the submitted file's preview; another office's does not
    expect((await fetchPdf(draft.id, t.officer)).status).toBe(200);
    expect((await api(stack, 'GET', `/v1/applications/${draft.id}/preview.pdf`, { token: t.mumbai })).status).toBe(404);
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.officer });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved');
    const number = done.certificateNumber as string;
    expect(number).toMatch(/^EIC\/\d{4}\/002\/\d{7}A$/);

    // the issued certificate: the mark in its remarks (box 5), signed, with its QR code
    const pdf = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(number)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(pdf.status).toBe(200);
    const issuedFile = await saveFile('issued.pdf', pdf);
    const issuedText = await text(issuedFile);
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
