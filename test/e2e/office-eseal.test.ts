import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, NotificationRow } from '../../db/entities/index.js';
import { gstinCheckCharacter } from '../../domain/reference/gstin.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { addOfficer } from '../helpers/staff.js';
import { waitFor } from '../helpers/wait-for.js';
import { createNssDb, pdfsig } from '../integration/certificate/helpers.js';

/** A self-signed e-seal valid from `from` to `to`, as a .p12 (base64), with or without its private key, and a key usage if given. */
function makeP12(opts: { from: Date; to: Date; withKey: boolean; password: string; keyUsage?: Record<string, boolean> }): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '0badc0de';
  cert.validity.notBefore = opts.from;
  cert.validity.notAfter = opts.to;
  const name = [{ name: 'commonName', value: 'Expired E-seal' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  if (opts.keyUsage) cert.setExtensions([{ name: 'keyUsage', critical: true, ...opts.keyUsage }]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(opts.withKey ? key : null, [cert], opts.password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64');
}

// Issue 12, e-seals: an office the administrator adds has no e-seal, so its approved files wait in Approved
// Pending Issuance saying why (instead of the signing retrying for ever); the administrator uploads the
// office's PKCS#12 with its password (checked, stored encrypted, never shown), and the waiting file is
// issued, signed with it.
describe("an office's e-seal uploaded by the administrator", () => {
  let stack: Stack;
  let pki: TestPki;
  let dir: string;
  let nssDir: string;
  const t = {} as Record<'raj' | 'eicAdmin' | 'mpedaAdmin' | 'officer', string>;
  const OFFICE = 'EIC-SUR';
  const OFFICER = 'officer-eic-sur-eseal';
  const office = {
    code: OFFICE,
    fileNumberPrefix: 'EISU',
    name: 'EIC - Surat (Sub-office)',
    address: { line1: 'Export House, 1st Floor', line2: 'Ring Road', city: 'Surat', state: 'Gujarat', pincode: '395002' },
    state: 'Gujarat',
    gstStateCode: '24',
    gstin: `24AAAGE0486K4Z${gstinCheckCharacter('24AAAGE0486K4Z')}`,
    email: 'coo.surat@eicindia.example',
    phone: '+91 261 246 0001',
    eWalletEnabled: false,
  };

  beforeAll(async () => {
    stack = await startStack({ name: 'office-eseal' });
    pki = await testPki(stack);
    await stack.startWorker();
    dir = await mkdtemp(join(tmpdir(), 'coo-eseal-e2e-'));
    nssDir = await createNssDb(dir, [pki.rootCaPem]);
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Anjali Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the approved file of a new office without an e-seal, saying why; refuses a wrong password, another file, an expired, a not yet valid, a keyless and a not-for-signing e-seal; issues the file signed with the uploaded e-seal', async () => {
    const added = await api(stack, 'POST', '/v1/agencies/EIC/offices', { token: t.eicAdmin, body: office });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    t.officer = await addOfficer(stack, { id: OFFICER, name: 'Hetal Desai', email: 'hetal.desai@eicindia.example', officeCode: OFFICE });
    expect((await api(stack, 'GET', `/v1/offices/${OFFICE}/eseal`, { token: t.eicAdmin })).status).toBe(404);

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
    expect(held.issuanceHeld.reason).toContain(`Office ${OFFICE} has no e-seal to sign certificates with`);
    expect(held.issuanceHeld.reason).toContain(`PUT /v1/offices/${OFFICE}/eseal`);
    await waitFor(() => stack.orm.em.fork().find(NotificationRow, { applicationId: draft.id, template: 'issuance-held' }), {
      what: 'the administrators told',
      timeoutMs: 30_000,
      until: (rows) => rows.length > 0,
    });

    const eseal = pki.identities['eseal-EIC-MUM']!;
    const put = (body: unknown, token = t.eicAdmin) => api(stack, 'PUT', `/v1/offices/${OFFICE}/eseal`, { token, body });
    const wrong = await put({ p12Base64: eseal.p12Base64, password: 'not-the-password' });
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(422);
    expect(wrong.body.detail).toBe('The e-seal does not open with this password: wrong password.');
    const notP12 = await put({ p12Base64: Buffer.from('a PDF, not an e-seal').toString('base64'), password: pki.password });
    expect(notP12.status).toBe(422);
    expect(notP12.body.detail).toBe('This is not a PKCS#12 (.p12/.pfx) file.');
    const day = 24 * 60 * 60 * 1000;
    const expired = await put({ p12Base64: makeP12({ from: new Date(Date.now() - 400 * day), to: new Date(Date.now() - day), withKey: true, password: 'pw' }), password: 'pw' });
    expect(expired.status).toBe(422);
    expect(expired.body.detail).toMatch(/^The e-seal's certificate \(Expired E-seal\) expired on \d{4}-\d{2}-\d{2}\.$/);
    const early = await put({ p12Base64: makeP12({ from: new Date(Date.now() + 10 * day), to: new Date(Date.now() + 400 * day), withKey: true, password: 'pw' }), password: 'pw' });
    expect(early.status).toBe(422);
    expect(early.body.detail).toContain('is not valid yet');
    const keyless = await put({ p12Base64: makeP12({ from: new Date(Date.now() - day), to: new Date(Date.now() + 400 * day), withKey: false, password: 'pw' }), password: 'pw' });
    expect(keyless.status).toBe(422);
    expect(keyless.body.detail).toBe('The PKCS#12 file holds no private key: export the e-seal with its private key.');
    const notForSigning = await put({ p12Base64: makeP12({ from: new Date(Date.now() - day), to: new Date(Date.now() + 400 * day), withKey: true, password: 'pw', keyUsage: { keyEncipherment: true } }), password: 'pw' });
    expect(notForSigning.status).toBe(422);
    expect(notForSigning.body.detail).toContain('is not for signing');
    expect((await put({ p12Base64: eseal.p12Base64, password: pki.password }, t.mpedaAdmin)).status).toBe(403);
    // nothing was stored, and the file still waits
    expect((await api(stack, 'GET', `/v1/offices/${OFFICE}/eseal`, { token: t.eicAdmin })).status).toBe(404);
    expect((await workflowState(stack, t.raj, draft.id)).status).toBe('Approved Pending Issuance');

    const stored = await put({ p12Base64: eseal.p12Base64, password: pki.password });
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body).toMatchObject({ officeCode: OFFICE, subject: eseal.commonName, uploadedBy: 'admin-eic (Rakesh Gupta)' });
    expect(Date.parse(stored.body.notAfter)).toBeGreaterThan(Date.now());
    const answer = JSON.stringify(stored.body);
    expect(answer).not.toContain(pki.password);
    expect(answer).not.toContain(eseal.p12Base64.slice(0, 40));
    const shown = await api(stack, 'GET', `/v1/offices/${OFFICE}/eseal`, { token: t.eicAdmin });
    expect(shown.body).toEqual(stored.body);
    // the row holds the key and the password encrypted only
    const rows = await stack.orm.em.fork().getConnection().execute(`select row_to_json(e)::text as r from office_eseal e where office_code = ?`, [OFFICE]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.r).not.toContain(pki.password);
    expect(rows[0]!.r).not.toContain(eseal.p12Base64.slice(0, 40));
    expect(rows[0]!.r).toContain(eseal.commonName);
    // audited with the certificate's facts only
    const audit = await stack.orm.em.fork().find(AuditEvent, { subjectType: 'office', subjectId: OFFICE, action: 'eseal.uploaded' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ before: null, after: { subject: eseal.commonName, serialNumber: stored.body.serialNumber } });
    expect(JSON.stringify(audit[0]!.details)).not.toContain(pki.password);

    // the waiting file is issued at once, signed with the uploaded e-seal
    const done = await waitForStatus(stack, t.raj, draft.id, 'Approved', 60_000);
    expect(done.issuanceHeld).toBeUndefined();
    const pdf = await fetch(`${stack.baseUrl}/v1/certificates/${encodeURIComponent(done.certificateNumber)}/pdf`, { headers: { authorization: `Bearer ${t.raj}` } });
    expect(pdf.status).toBe(200);
    const file = join(dir, 'certificate.pdf');
    await writeFile(file, Buffer.from(await pdf.arrayBuffer()));
    const sig = await pdfsig(file, nssDir);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(sig).toContain(`Signer Certificate Common Name: ${eseal.commonName}`);
  });
});
