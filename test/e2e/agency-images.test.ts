import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationRow } from '../../db/entities/index.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { drawSignature, drawStamp, onWhitePaper } from '../../services/certificate/demo-images.js';
import { encodePng } from '../../services/pdf/raster-image.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { addOfficer } from '../helpers/staff.js';
import { waitFor } from '../helpers/wait-for.js';
import { runTool } from '../integration/certificate/helpers.js';

// Issue 12, images: outside development no machine-drawn stamp or signature prints. A file approved at an
// office without a stamp, by an officer without a signature, waits in Approved Pending Issuance saying why
// (the administrators are told); the administrator uploads both on white paper (a PNG and a JPEG), the
// background is removed, and the certificate is issued with them printed transparent.
describe('stamps and signatures uploaded by the administrator; no demo images outside development', () => {
  let stack: Stack;
  let pki: TestPki;
  let dir: string;
  const t = {} as Record<'raj' | 'eicAdmin' | 'mpedaAdmin' | 'officer', string>;
  const OFFICE = 'EIC-KOL';
  const OFFICER = 'officer-eic-kol-images';

  beforeAll(async () => {
    // as in production: no stand-in images
    stack = await startStack({ name: 'agency-images', env: { CERTIFICATE_DEMO_IMAGES: 'false' } });
    pki = await testPki(stack);
    await stack.startWorker();
    dir = await mkdtemp(join(tmpdir(), 'coo-images-e2e-'));
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Anjali Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
    // an office no other test files at (so nothing else in the shared database prints this stamp), and an officer of its own
    t.officer = await addOfficer(stack, { id: OFFICER, name: 'Meera Kulkarni', email: 'meera.kulkarni@eicindia.example', officeCode: OFFICE });
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const upload = (path: string, bytes: Buffer, token = t.eicAdmin) =>
    fetch(`${stack.baseUrl}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: bytes }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('holds an approved file without images, saying why; issues it with both printed transparent once they are uploaded', async () => {
    const iec = await ensureIecRecord(stack, t.raj);
    const tabs = defaultTabs(iec);
    const draft = await createCompleteDraft(stack, t.raj, { tabs: { certificateDetails: { ...tabs.certificateDetails, officeCode: OFFICE } } });
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.officer });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const held = await waitFor(() => workflowState(stack, t.raj, draft.id), { what: 'the issuance held', timeoutMs: 60_000, until: (s) => s.issuanceHeld !== undefined, show: (s) => s.status });
    expect(held.status).toBe('Approved Pending Issuance');
    expect(held.issuanceHeld.reason).toContain(`office ${OFFICE} has no stamp image and officer Meera Kulkarni (${OFFICER}) has no signature image`);
    const told = await waitFor(
      () => stack.orm.em.fork().find(NotificationRow, { applicationId: draft.id, template: 'issuance-held' }),
      { what: 'the administrators told', timeoutMs: 30_000, until: (rows) => rows.length > 0 },
    );
    expect(told.map((n) => n.recipient)).toContain('rakesh.gupta@eicindia.example');

    // not for another agency's administrator, nor a GIF
    const paperSignature = await encodePng(onWhitePaper(drawSignature('MEERA KULKARNI')));
    expect((await upload(`/v1/staff/${OFFICER}/signature`, paperSignature, t.mpedaAdmin)).status).toBe(403);
    const gif = await sharp({ create: { width: 80, height: 80, channels: 3, background: '#fff' } }).gif().toBuffer();
    const refused = await upload(`/v1/staff/${OFFICER}/signature`, gif);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe('The file is a GIF image: upload the stamp or signature as a PNG or JPEG.');

    // the signature on white paper (PNG): the background removed; the file still waits, now for the stamp only
    const sig = await upload(`/v1/staff/${OFFICER}/signature`, paperSignature);
    expect(sig.status, JSON.stringify(sig.body)).toBe(200);
    expect(sig.body).toMatchObject({ kind: 'signature', owner: OFFICER, backgroundRemoved: true });
    const stillHeld = await waitFor(() => workflowState(stack, t.raj, draft.id), {
      what: 'the reason to name the stamp only',
      timeoutMs: 30_000,
      until: (s) => s.issuanceHeld?.reason && !s.issuanceHeld.reason.includes('signature image'),
      show: (s) => s.issuanceHeld?.reason,
    });
    expect(stillHeld.issuanceHeld.reason).toContain(`office ${OFFICE} has no stamp image`);

    // the stamp scanned as a JPEG on white paper
    const stamp = onWhitePaper(drawStamp({ agency: 'Export Inspection Council', office: 'Kolkata', short: 'EIC' }, 300));
    const jpeg = await sharp(Buffer.from(stamp.data), { raw: { width: stamp.width, height: stamp.height, channels: 4 } }).jpeg({ quality: 92 }).toBuffer();
    const st = await upload(`/v1/offices/${OFFICE}/stamp`, jpeg);
    expect(st.status, JSON.stringify(st.body)).toBe(200);
    expect(st.body.backgroundRemoved).toBe(true);

    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved', 60_000);
    expect(done.issuanceHeld).toBeUndefined();

    // the printed certificate: both images carry a soft mask (transparency) and their transparent parts are
    // really transparent (the paper around the ink), as pdfimages extracts them from the page
    const pdf = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(done.certificateNumber)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    const file = join(dir, 'certificate.pdf');
    await writeFile(file, Buffer.from(await pdf.arrayBuffer()));
    const list = (await runTool('pdfimages', ['-list', file])).stdout;
    expect(list.split('\n').filter((l) => /\bsmask\b/.test(l)).length).toBeGreaterThanOrEqual(2);
    await runTool('pdfimages', ['-png', file, join(dir, 'img')]);
    const masks: { min: number; max: number }[] = [];
    for (const f of (await readdir(dir)).filter((n) => n.startsWith('img-')).sort()) {
      const { channels, width, height } = await sharp(join(dir, f)).metadata();
      if (channels !== 1 || !width || !height) continue;
      const stats = await sharp(join(dir, f)).stats();
      masks.push({ min: stats.channels[0]!.min, max: stats.channels[0]!.max });
    }
    expect(masks.filter((m) => m.min === 0 && m.max === 255).length).toBeGreaterThanOrEqual(2);
  });

  it('shows how an image prints (a specimen) and what was stored, to the administrator only', async () => {
    const specimen = await fetch(`${stack.baseUrl}/v1/offices/${OFFICE}/stamp/specimen.pdf`, { headers: { authorization: `Bearer ${t.eicAdmin}` } });
    expect(specimen.status).toBe(200);
    const file = join(dir, 'specimen.pdf');
    await writeFile(file, Buffer.from(await specimen.arrayBuffer()));
    expect((await runTool('pdftotext', ['-raw', file, '-'])).stdout).toContain('SPECIMEN – NOT VALID');
    const png = await fetch(`${stack.baseUrl}/v1/staff/${OFFICER}/signature.png`, { headers: { authorization: `Bearer ${t.eicAdmin}` } });
    expect(png.status).toBe(200);
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'png', hasAlpha: true });
    expect((await fetch(`${stack.baseUrl}/v1/staff/${OFFICER}/signature.png`, { headers: { authorization: `Bearer ${t.raj}` } })).status).toBe(403);
  });
});
