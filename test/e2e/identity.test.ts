import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../scripts/pki/test-pki.js';
import { canonicalDocument } from '../../domain/identity/canonical.js';
import { createDetachedSignature, type SignerMaterial } from '../../domain/identity/create-signature.js';
import { verifySignedContent } from '../../domain/identity/verify-signed-content.js';
import { withVerhoeffDigit } from '../../services/identity/esign-sandbox.js';
import { createIdentityActivities } from '../../activities/registration.js';
import { verifySignedSubmission } from '../../services/identity/verify-signed-submission.js';
import { AuditEvent, ExporterUser, SignedDocument } from '../../db/entities/index.js';
import { AppError } from '../../lib/errors.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

const RAJ = 'AAACR5055K-1';
const AADHAAR_RAJ = withVerhoeffDigit('99990000101');
const AADHAAR_RAJ_VARIANT = withVerhoeffDigit('99990000105'); // RAJ KUMAAR SHARMA with Aadhaar

describe('identity: DSC registration, signing and the name-matching threshold (real PKI, PostgreSQL, Temporal)', () => {
  let stack: Stack;
  let pki: TestPki;
  const t = {} as Record<'raj' | 'meera' | 'anita' | 'helpdesk' | 'admin' | 'agencyAdmin' | 'officerMum' | 'officerKoc', string>;

  const signer = (name: string): SignerMaterial => ({
    privateKey: pki.identities[name]!.keyPem,
    certificatePem: pki.identities[name]!.certPem,
    chainPems: [pki.subCaPem, pki.rootCaPem],
  });
  const sign = (content: Uint8Array, name: string, signingTime?: Date) =>
    createDetachedSignature({ content, signer: signer(name), ...(signingTime ? { signingTime } : {}) }).toString('base64');

  async function challenge(token: string) {
    const r = await api(stack, 'POST', '/v1/me/dsc/challenge', { token });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { challengeId: string; contentBase64: string; contentSha256: string };
  }
  /** Registers `cert` with a challenge signed by `signWith` (by default the same identity). */
  async function registerDsc(token: string, cert: string, signWith = cert, ch?: { challengeId: string; contentBase64: string }) {
    const c = ch ?? (await challenge(token));
    const signature = sign(Buffer.from(c.contentBase64, 'base64'), signWith);
    return api(stack, 'POST', '/v1/me/dsc', { token, body: { challengeId: c.challengeId, certificate: pki.identities[cert]!.certPem, signature } });
  }
  async function signingRequest(token: string, document: Record<string, unknown> = { declaration: 'The goods are of Indian origin.' }, purpose = 'declaration') {
    const r = await api(stack, 'POST', '/v1/signing-requests', { token, body: { purpose, reference: 'TEST-REF-1', document } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; contentBase64: string; contentSha256: string; status: string };
  }

  beforeAll(async () => {
    stack = await startStack({ name: 'identity', env: { HELPDESK_ADDRESS: 'support@coo-helpdesk.test' } });
    // the API and the worker read the trusted CAs and the eSign sandbox's key from <DATA_DIR>/pki
    pki = await ensureTestPki(path.join(stack.dir, 'pki'));
    await stack.startWorker();
    const exporter = (sub: string, name: string, iec: string) => stack.token({ sub, name, roles: ['exporter'], iec });
    t.raj = await exporter(RAJ, 'Raj Kumar Sharma', 'AAACR5055K');
    t.meera = await exporter('AAACR5055K-2', 'Meera Iyer', 'AAACR5055K');
    t.anita = await exporter('AABCS1429B-1', 'Anita Menon', 'AABCS1429B');
    t.helpdesk = await stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    t.admin = await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    t.agencyAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.officerMum = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    t.officerKoc = await stack.token({ sub: 'officer-eic-koc', name: 'Thomas Varghese', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });

    for (const [token, iec] of [[t.raj, 'AAACR5055K'], [t.anita, 'AABCS1429B']] as const) {
      const r = await api(stack, 'POST', '/v1/exporters', { token, body: { iec } });
      expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
    }
    const m = await api(stack, 'POST', '/v1/exporters/AAACR5055K/users', { token: t.raj, body: { email: 'meera.iyer@rajkumarexports.example' } });
    expect([200, 201]).toContain(m.status);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('documents DSC registration, signing and unfreezing in the OpenAPI document', async () => {
    const r = await api(stack, 'GET', '/openapi.json');
    expect(r.body.paths['/v1/me/dsc'].post.operationId).toBe('registerMyDsc');
    expect(r.body.paths['/v1/me/dsc'].post.description).toContain('dsc_iec_not_matched');
    expect(r.body.paths['/v1/signing-requests'].post.summary).toContain('canonical bytes');
    expect(r.body.paths['/v1/signing-requests/{id}/signature'].post.operationId).toBe('submitSignature');
    expect(r.body.paths['/v1/signing-requests/{id}/esign/otp'].post.operationId).toBe('completeAadhaarESign');
    expect(r.body.paths['/v1/users/{id}/unfreeze'].post['x-roles']).toEqual(['helpdesk', 'admin']);
  });

  it('an additional user proves the mapping to the IEC with a valid DSC carrying that IEC', async () => {
    const before = await api(stack, 'GET', '/v1/me', { token: t.meera });
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('pending_dsc');
    const otherIec = await registerDsc(t.meera, 'exporter-anita');
    expect(otherIec.status).toBe(422);
    expect(otherIec.body.code).toBe('dsc_iec_not_matched');
    expect((await api(stack, 'GET', '/v1/me', { token: t.meera })).body.status).toBe('pending_dsc');

    const r = await registerDsc(t.meera, 'exporter-raj-user2');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.userStatus).toBe('active');
    expect(r.body.dsc).toMatchObject({ iec: 'AAACR5055K', subjectCommonName: 'MEERA IYER', status: 'active', class: 3 });
    // the helpdesk reads who did what by name beside the id: Raj mapped Meera, Meera proved it — not bare user ids
    const meera = r.body.dsc.userId as string;
    const seen = await api(stack, 'GET', `/v1/users/${meera}`, { token: t.helpdesk });
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    const actorOf = (action: string) => seen.body.history.find((h: { action: string }) => h.action === action)?.actor;
    expect(actorOf('exporter.user-mapped')).toBe(`${RAJ} (Raj Kumar Sharma)`);
    expect(actorOf('exporter.user-activated')).toBe(`${meera} (Meera Iyer)`);
    const ex = await api(stack, 'GET', '/v1/exporters/AAACR5055K', { token: t.raj });
    expect(ex.body.users.find((u: { id: string }) => u.id === 'AAACR5055K-2')).toMatchObject({ status: 'active', activeDscs: 1 });
  });

  it('enforces every DSC rule at registration, each with its specific error', async () => {
    const cases: [string, string, string][] = [
      ['exporter-untrusted', 'dsc_untrusted', 'not issued by a certifying authority the portal trusts'],
      ['exporter-expired', 'dsc_expired', 'Expired Certificate'],
      ['exporter-not-yet-valid', 'dsc_not_yet_valid', 'is not valid yet'],
      ['exporter-bad-usage', 'dsc_key_usage', 'cannot be used for signing'],
      ['exporter-class1', 'dsc_class_not_allowed', 'is Class I: only Class II or Class III certificates are accepted'],
      ['exporter-wrong-iec', 'dsc_iec_not_matched', 'IEC Not Matched, Kindly Insert Correct Token'],
      ['exporter-no-iec', 'dsc_iec_not_matched', 'IEC Not Matched, Kindly Insert Correct Token'],
    ];
    for (const [cert, code, text] of cases) {
      const r = await registerDsc(t.raj, cert);
      expect(r.status, cert).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.code, cert).toBe(code);
      expect(r.body.detail, cert).toContain(text);
      // the plain explanation leads; a legacy FAQ text, where there is one, only closes the message
      expect(r.body.detail, cert).toMatch(/^This digital signature certificate /);
      if (r.body.legacyMessage) expect(r.body.detail.endsWith(`Legacy message: "${r.body.legacyMessage}".`), cert).toBe(true);
      expect(r.body.rule, cert).toBeTruthy();
      expect(JSON.stringify(r.body)).not.toMatch(/\.ts:\d+/);
    }
    const wrongIec = await registerDsc(t.raj, 'exporter-wrong-iec');
    expect(wrongIec.body.reason).toBe('This DSC carries IEC AABCS1429B, not AAACR5055K.');

    const unreadable = await api(stack, 'POST', '/v1/me/dsc', {
      token: t.raj,
      body: { challengeId: (await challenge(t.raj)).challengeId, certificate: '-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----', signature: 'MIIBIjANBgkqhkiG9w0BAQEFAAOC' },
    });
    expect(unreadable.status).toBe(422);
    expect(unreadable.body.code).toBe('validation_failed');
    expect(unreadable.body.detail).toContain('could not be read');

    // possession of the key: the challenge signed with another certificate's key
    const notMine = await registerDsc(t.raj, 'exporter-raj', 'exporter-raj-user2');
    expect(notMine.status).toBe(422);
    expect(notMine.body.code).toBe('signature_invalid');
    expect(notMine.body.detail).toContain('signed with another certificate');
    // a signature over other bytes than the challenge
    const c = await challenge(t.raj);
    const otherBytes = await api(stack, 'POST', '/v1/me/dsc', {
      token: t.raj,
      body: { challengeId: c.challengeId, certificate: pki.identities['exporter-raj']!.certPem, signature: sign(Buffer.from('something else'), 'exporter-raj') },
    });
    expect(otherBytes.body.code).toBe('signature_invalid');
    expect(otherBytes.body.detail).toContain('does not match this document');
    const unknownChallenge = await registerDsc(t.raj, 'exporter-raj', 'exporter-raj', { challengeId: randomUUID(), contentBase64: c.contentBase64 });
    expect(unknownChallenge.status).toBe(404);
    // another user's challenge is as unknown as a made-up one
    const meeraChallenge = await challenge(t.meera);
    const stolen = await registerDsc(t.raj, 'exporter-raj', 'exporter-raj', meeraChallenge);
    expect(stolen.status).toBe(404);

    // none of these is a name mismatch: Raj is not frozen
    const me = await api(stack, 'GET', '/v1/me', { token: t.raj });
    expect(me.body.identity.frozen).toBe(false);
  });

  it("registers the user's DSC; sending the same registration again returns it", async () => {
    const c = await challenge(t.raj);
    const content = Buffer.from(c.contentBase64, 'base64');
    expect(createHash('sha256').update(content).digest('hex')).toBe(c.contentSha256);
    expect(JSON.parse(content.toString('utf8'))).toMatchObject({ purpose: 'dsc-registration', userId: RAJ, iec: 'AAACR5055K', challengeId: c.challengeId });
    const first = await registerDsc(t.raj, 'exporter-raj', 'exporter-raj', c);
    // 201 when this file runs first; other files of the same run may have registered Raj's token already
    expect([200, 201], JSON.stringify(first.body)).toContain(first.status);
    expect(first.body.dsc).toMatchObject({ subjectCommonName: 'RAJ KUMAR SHARMA', iec: 'AAACR5055K', status: 'active' });
    const again = await registerDsc(t.raj, 'exporter-raj', 'exporter-raj', c);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('existing');
    expect(again.body.dsc.id).toBe(first.body.dsc.id);
    const list = await api(stack, 'GET', '/v1/me/dsc', { token: t.raj });
    // once, however often it was sent (other files of the run register Raj's tokens from their own test PKIs)
    expect(list.body.items.filter((d: { id: string; status: string }) => d.status === 'active' && d.id === first.body.dsc.id)).toHaveLength(1);
    expect(new Set(list.body.items.map((d: { fingerprintSha256?: string; id: string }) => d.fingerprintSha256 ?? d.id)).size).toBe(list.body.items.length);
  });

  it('sign-and-verify round trip with the command-line signer; the signed document is stored with its signature', async () => {
    const req = await signingRequest(t.raj, { application: 'DRAFTCOOAPPLY00229268AM25', invoiceValue: 12500.5, items: ['0904', '0910'] }, 'application-summary');
    const bytes = Buffer.from(req.contentBase64, 'base64');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(req.contentSha256);
    const canonical = JSON.parse(bytes.toString('utf8'));
    expect(canonical).toMatchObject({ requestId: req.id, purpose: 'application-summary', signer: { userId: RAJ, iec: 'AAACR5055K' } });
    expect(bytes.toString('utf8')).toBe(canonicalDocument(canonical).bytes.toString('utf8'));

    const payload = path.join(stack.dir, 'payload.bin');
    fs.writeFileSync(payload, bytes);
    const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');
    const cli = spawnSync(process.execPath, [tsx, 'scripts/sign.ts', '--p12', pki.identities['exporter-raj']!.p12Path, '--password', pki.password, '--in', payload], {
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(`SHA-256 ${req.contentSha256}`);
    const signature = cli.stdout.trim();

    const r = await api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, { token: t.raj, body: { signature } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const doc = r.body.signedDocument;
    expect(doc).toMatchObject({ signingRequestId: req.id, userId: RAJ, iec: 'AAACR5055K', method: 'dsc', contentSha256: req.contentSha256, purpose: 'application-summary' });
    expect(doc.signer.name).toBe('RAJ KUMAR SHARMA');
    expect(doc.signer.dscId).toBeTruthy();

    // what is stored verifies on its own, with the same CA bundle
    const stored = await api(stack, 'GET', `/v1/signed-documents/${doc.id}`, { token: t.raj });
    expect(stored.status).toBe(200);
    expect(stored.body.contentBase64).toBe(req.contentBase64);
    const offline = verifySignedContent({
      signature: stored.body.signatureBase64,
      content: Buffer.from(stored.body.contentBase64, 'base64'),
      trustedCaPems: pki.trustedCaPems,
      expectedIec: 'AAACR5055K',
      registeredFingerprintsSha256: [doc.signer.fingerprintSha256],
    });
    expect(offline.dsc.subjectCommonName).toBe('RAJ KUMAR SHARMA');
    const row = await stack.orm.em.fork().findOneOrFail(SignedDocument, { id: doc.id });
    expect(Buffer.from(row.content).equals(bytes)).toBe(true);

    // idempotent retry; a second, different signature is refused
    const again = await api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, { token: t.raj, body: { signature } });
    expect(again.status).toBe(200);
    expect(again.body.signedDocument.id).toBe(doc.id);
    const other = await api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, { token: t.raj, body: { signature: sign(bytes, 'exporter-raj', new Date(Date.now() - 60_000)) } });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('already_done');
    const status = await api(stack, 'GET', `/v1/signing-requests/${req.id}`, { token: t.raj });
    expect(status.body).toMatchObject({ status: 'signed', signedDocumentId: doc.id });

    // who may see it: the IEC's users and helpdesk; not another exporter, not an officer
    expect((await api(stack, 'GET', `/v1/signed-documents/${doc.id}`, { token: t.meera })).status).toBe(200);
    expect((await api(stack, 'GET', `/v1/signed-documents/${doc.id}`, { token: t.helpdesk })).status).toBe(200);
    const foreign = await api(stack, 'GET', `/v1/signed-documents/${doc.id}`, { token: t.anita });
    const missing = await api(stack, 'GET', `/v1/signed-documents/${randomUUID()}`, { token: t.anita });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
    expect((await api(stack, 'GET', `/v1/signed-documents/${doc.id}`, { token: t.officerMum })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/signing-requests/${req.id}`, { token: t.anita })).status).toBe(404);
    expect((await api(stack, 'GET', '/v1/signing-requests/not-a-uuid', { token: t.raj })).status).toBe(422);
  });

  it("refuses signatures that are not the acting user's, not valid, or not registered, and freezes nobody for it", async () => {
    const req = await signingRequest(t.raj);
    const bytes = Buffer.from(req.contentBase64, 'base64');
    const submit = (signature: string, token = t.raj) => api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, { token, body: { signature } });

    const unregistered = await submit(sign(bytes, 'exporter-name-variant'));
    expect(unregistered.status).toBe(403);
    expect(unregistered.body.code).toBe('signer_not_acting_user');
    const colleague = await submit(sign(bytes, 'exporter-raj-user2'));
    expect(colleague.body.code).toBe('signer_not_acting_user');
    const expired = await submit(sign(bytes, 'exporter-expired'));
    expect(expired.body.code).toBe('dsc_expired');
    expect(expired.body.detail).toMatch(/^This digital signature certificate expired on .*Legacy message: "Expired Certificate"\.$/);
    const wrongIec = await submit(sign(bytes, 'exporter-wrong-iec'));
    expect(wrongIec.body.code).toBe('dsc_iec_not_matched');
    const untrusted = await submit(sign(bytes, 'exporter-untrusted'));
    expect(untrusted.body.code).toBe('dsc_untrusted');
    const tampered = await submit(sign(Buffer.concat([bytes, Buffer.from(' ')]), 'exporter-raj'));
    expect(tampered.body.code).toBe('signature_invalid');
    expect(tampered.body.detail).toContain('the document changed after it was signed');
    const garbage = await submit('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=');
    expect(garbage.body.code).toBe('signature_invalid');

    // only the user it was issued to signs it; other exporters cannot even see it
    const byMeera = await submit(sign(bytes, 'exporter-raj-user2'), t.meera);
    expect(byMeera.status).toBe(403);
    expect(byMeera.body.detail).toContain('issued to another user');
    const byAnita = await submit(sign(bytes, 'exporter-anita'), t.anita);
    expect(byAnita.status).toBe(404);

    const anitaReq = await signingRequest(t.anita);
    const noDsc = await api(stack, 'POST', `/v1/signing-requests/${anitaReq.id}/signature`, {
      token: t.anita,
      body: { signature: sign(Buffer.from(anitaReq.contentBase64, 'base64'), 'exporter-anita') },
    });
    expect(noDsc.status).toBe(422);
    expect(noDsc.body.code).toBe('dsc_not_registered');

    expect((await api(stack, 'GET', '/v1/me', { token: t.raj })).body.identity.frozen).toBe(false);
    const ok = await submit(sign(bytes, 'exporter-raj'));
    expect(ok.status).toBe(201);
  });

  it('signs with Aadhaar eSign through the same interface (sandbox ESP, OTP), verified and stored', async () => {
    const req = await signingRequest(t.raj);
    const early = await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign/otp`, { token: t.raj, body: { otp: '123456' } });
    expect(early.status).toBe(409);
    const badId = await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign`, { token: t.raj, body: { aadhaarId: '234567890123' } });
    expect(badId.status).toBe(422);
    expect(badId.body.detail).toContain('not a valid Aadhaar number');

    const started = await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign`, { token: t.raj, body: { aadhaarId: AADHAAR_RAJ } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ provider: 'sandbox', otpSentTo: 'XXXXXX4321' });
    const wrong = await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign/otp`, { token: t.raj, body: { otp: '000000' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'esign_otp_invalid', detail: 'Wrong OTP. 2 attempts left.' });
    const done = await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign/otp`, { token: t.raj, body: { otp: '123456' } });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body.signedDocument).toMatchObject({ method: 'esign', contentSha256: req.contentSha256 });
    expect(done.body.signedDocument.signer).toMatchObject({ name: 'RAJ KUMAR SHARMA', aadhaarLast4: AADHAAR_RAJ.slice(-4), dscId: null });
  });

  it("officers register a DSC without an IEC and sign; other offices' officers and exporters cannot see it", async () => {
    const reg = await registerDsc(t.officerMum, 'officer-eic-mum');
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    expect(reg.body.dsc).toMatchObject({ iec: null, subjectCommonName: 'PRIYA DESHPANDE' });
    expect(reg.body.userStatus).toBeNull();
    const req = await signingRequest(t.officerMum, { decision: 'approve', file: 'HQRCCOAPPLY00000019AM25' }, 'certificate-approval');
    const signed = await api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, {
      token: t.officerMum,
      body: { signature: sign(Buffer.from(req.contentBase64, 'base64'), 'officer-eic-mum') },
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(signed.body.signedDocument).toMatchObject({ officeCode: 'EIC-MUM', iec: null });
    const id = signed.body.signedDocument.id;
    expect((await api(stack, 'GET', `/v1/signed-documents/${id}`, { token: t.officerKoc })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/signed-documents/${id}`, { token: t.raj })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/signing-requests/${req.id}`, { token: t.officerKoc })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/signed-documents/${id}`, { token: t.admin })).status).toBe(200);

    // the same DSC registered twice at the same moment (two challenges): one DSC, both answers fine
    const [c1, c2] = [await challenge(t.officerKoc), await challenge(t.officerKoc)];
    const both = await Promise.all([registerDsc(t.officerKoc, 'officer-eic-koc', 'officer-eic-koc', c1), registerDsc(t.officerKoc, 'officer-eic-koc', 'officer-eic-koc', c2)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both[0]!.body.dsc.id).toBe(both[1]!.body.dsc.id);

    // roles that do not sign cannot register a DSC or ask for bytes to sign
    expect((await api(stack, 'POST', '/v1/me/dsc/challenge', { token: t.agencyAdmin })).status).toBe(403);
    expect((await api(stack, 'POST', '/v1/signing-requests', { token: t.helpdesk, body: { purpose: 'declaration', document: {} } })).status).toBe(403);
    const ghost = await stack.token({ sub: 'officer-ghost', name: 'Ghost', roles: ['officer'], officeCode: 'EIC-MUM' });
    const g = await api(stack, 'POST', '/v1/me/dsc/challenge', { token: ghost });
    expect(g.status).toBe(403);
    expect(g.body.code).toBe('account_not_registered');
  });

  it('a name mismatch freezes the user with an explanation; every signing attempt gets user_frozen until the helpdesk unfreezes', async () => {
    const pending = await signingRequest(t.raj);
    const pendingBytes = Buffer.from(pending.contentBase64, 'base64');
    const earlierChallenge = await challenge(t.raj);

    const mismatch = await registerDsc(t.raj, 'exporter-name-variant');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('dsc_name_mismatch');
    expect(mismatch.body.detail).toContain('The name in your profile, "Raj Kumar Sharma", does not exactly match the name in your digital signature certificate, "RAJ KUMAAR SHARMA"');
    expect(mismatch.body.detail).toContain("different middle name: 'KUMAAR' in the certificate, 'Kumar' in your profile (missing 'A' after 'KUMA')");
    expect(mismatch.body.detail).toContain('now frozen');
    // the messages name this system's configured helpdesk address, not another platform's
    const helpdesk = stack.config.mail.helpdeskAddress;
    expect(helpdesk).toBe('support@coo-helpdesk.test');
    expect(mismatch.body.detail).toContain(`(write to ${helpdesk})`);
    expect(mismatch.body.detail).not.toContain('coo-dgft@gov.in');
    expect(mismatch.body.frozen).toBe(true);
    expect(mismatch.body.differences[0]).toMatchObject({ kind: 'different-word', certificateText: expect.any(String) });

    const me = await api(stack, 'GET', '/v1/me', { token: t.raj });
    expect(me.body.identity).toMatchObject({ frozen: true, reason: 'dsc_name_mismatch', certificateName: 'RAJ KUMAAR SHARMA', profileName: 'Raj Kumar Sharma' });
    expect(me.body.identity.explanation).toContain('KUMAAR');

    // still frozen on retry, with the right DSC, and on every signing path
    const retry = await registerDsc(t.raj, 'exporter-raj', 'exporter-raj', earlierChallenge);
    expect(retry.status).toBe(403);
    expect(retry.body.code).toBe('user_frozen');
    expect(retry.body.detail).toContain('Automated verification of your account is frozen since');
    expect(retry.body.detail).toContain("different middle name: 'KUMAAR' in the certificate, 'Kumar' in your profile (missing 'A' after 'KUMA')");
    expect(retry.body.explanation).toContain('KUMAAR');
    for (const attempt of [
      api(stack, 'POST', '/v1/me/dsc/challenge', { token: t.raj }),
      api(stack, 'POST', '/v1/signing-requests', { token: t.raj, body: { purpose: 'declaration', document: { a: 1 } } }),
      api(stack, 'POST', `/v1/signing-requests/${pending.id}/signature`, { token: t.raj, body: { signature: sign(pendingBytes, 'exporter-raj') } }),
      api(stack, 'POST', `/v1/signing-requests/${pending.id}/esign`, { token: t.raj, body: { aadhaarId: AADHAAR_RAJ } }),
    ]) {
      const r = await attempt;
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('user_frozen');
      expect(r.body.detail).toContain('KUMAAR');
      expect(r.body.detail).toContain(`write to the CoO helpdesk (${helpdesk})`);
    }
    // the service the application workflow uses says the same
    const identity = await stack.deps.identity();
    await expect(
      verifySignedSubmission({ em: stack.orm.em.fork(), identity, userId: RAJ, iec: 'AAACR5055K', contentBytes: pendingBytes, signatureB64: sign(pendingBytes, 'exporter-raj') }),
    ).rejects.toMatchObject({ code: 'user_frozen', message: expect.stringContaining(`(${helpdesk})`) });
    // the freeze is the user's, not the IEC's
    expect((await api(stack, 'POST', '/v1/signing-requests', { token: t.meera, body: { purpose: 'declaration', document: { a: 1 } } })).status).toBe(201);

    // the helpdesk sees it and its history
    const list = await api(stack, 'GET', '/v1/users?frozen=true', { token: t.helpdesk });
    expect(list.body.items.find((u: { userId: string }) => u.userId === RAJ)?.explanation).toContain('KUMAAR');
    const detail = await api(stack, 'GET', `/v1/users/${RAJ}`, { token: t.helpdesk });
    expect(detail.body.history.map((h: { action: string }) => h.action)).toContain('identity.frozen');

    // only helpdesk/admin unfreeze, with a reason
    for (const token of [t.raj, t.officerMum, t.agencyAdmin]) {
      expect((await api(stack, 'POST', `/v1/users/${RAJ}/unfreeze`, { token, body: { reason: 'I fixed it myself, promise' } })).status).toBe(403);
    }
    const noReason = await api(stack, 'POST', `/v1/users/${RAJ}/unfreeze`, { token: t.helpdesk, body: { reason: 'ok' } });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors[0].path).toBe('body/reason');
    const unknownUser = await api(stack, 'POST', '/v1/users/AAACR5055K-9/unfreeze', { token: t.helpdesk, body: { reason: 'no such user here at all' } });
    expect(unknownUser.status).toBe(404);

    const reason = 'Exporter confirmed by phone that the token was ordered with a misspelt name; will use the correct DSC.';
    const un = await api(stack, 'POST', `/v1/users/${RAJ}/unfreeze`, { token: t.helpdesk, body: { reason } });
    expect(un.status, JSON.stringify(un.body)).toBe(200);
    expect(un.body.identity).toMatchObject({ frozen: false, lastUnfrozen: { by: 'helpdesk-1', reason } });
    const twice = await api(stack, 'POST', `/v1/users/${RAJ}/unfreeze`, { token: t.helpdesk, body: { reason } });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_done');
    const audit = await stack.orm.em.fork().find(AuditEvent, { subjectId: RAJ, action: 'identity.unfrozen' });
    expect(audit.at(-1)).toMatchObject({ actor: 'helpdesk-1', channel: 'api', details: expect.objectContaining({ reason, frozenCode: 'dsc_name_mismatch' }) });

    // works again
    const signed = await api(stack, 'POST', `/v1/signing-requests/${pending.id}/signature`, { token: t.raj, body: { signature: sign(pendingBytes, 'exporter-raj') } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
  });

  it("applies the threshold to the Aadhaar eSign name too; an admin may accept a verified name variant", async () => {
    const req = await signingRequest(t.raj);
    await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign`, { token: t.raj, body: { aadhaarId: AADHAAR_RAJ_VARIANT } });
    const r = await api(stack, 'POST', `/v1/signing-requests/${req.id}/esign/otp`, { token: t.raj, body: { otp: '123456' } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('dsc_name_mismatch');
    expect(r.body.detail).toContain('the name in your Aadhaar record (returned by eSign), "RAJ KUMAAR SHARMA"');
    const frozen = await api(stack, 'GET', '/v1/me', { token: t.raj });
    expect(frozen.body.identity).toMatchObject({ frozen: true, freezeCount: 2 });

    const un = await api(stack, 'POST', `/v1/users/${RAJ}/unfreeze`, {
      token: t.admin,
      body: { reason: 'Aadhaar record checked against PAN and passport: same person, Aadhaar spelling differs.', acceptCertificateName: true },
    });
    expect(un.status).toBe(200);
    expect(un.body.identity.acceptedNames).toEqual(['RAJ KUMAAR SHARMA']);
    const req2 = await signingRequest(t.raj);
    await api(stack, 'POST', `/v1/signing-requests/${req2.id}/esign`, { token: t.raj, body: { aadhaarId: AADHAAR_RAJ_VARIANT } });
    const ok = await api(stack, 'POST', `/v1/signing-requests/${req2.id}/esign/otp`, { token: t.raj, body: { otp: '123456' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.signedDocument.signer.name).toBe('RAJ KUMAAR SHARMA');
  });

  it('checks the name again at every signature; unfreezing takes the profile name from the IEC master again', async () => {
    // as if the profile had been created with a misspelt name that DGFT's IEC master has since corrected
    const em = stack.orm.em.fork();
    const meera = await em.findOneOrFail(ExporterUser, { id: 'AAACR5055K-2' });
    meera.name = 'Meera Iyre';
    await em.flush();

    const req = await signingRequest(t.meera);
    const bytes = Buffer.from(req.contentBase64, 'base64');
    const r = await api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, { token: t.meera, body: { signature: sign(bytes, 'exporter-raj-user2') } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('dsc_name_mismatch');
    expect(r.body.detail).toContain("letters swapped in 'Iyre'");
    expect((await api(stack, 'GET', `/v1/signing-requests/${req.id}`, { token: t.meera })).body.status).toBe('pending');

    const un = await api(stack, 'POST', `/v1/users/AAACR5055K-2/unfreeze`, { token: t.helpdesk, body: { reason: 'Name corrected in the IEC master at DGFT.' } });
    expect(un.status).toBe(200);
    const me = await api(stack, 'GET', '/v1/me', { token: t.meera });
    expect(me.body.name).toBe('Meera Iyer');
    const history = await api(stack, 'GET', '/v1/users/AAACR5055K-2', { token: t.helpdesk });
    expect(history.body.history[0]).toMatchObject({ action: 'identity.unfrozen', actor: 'helpdesk-1 (Kavita Sharma)', details: expect.objectContaining({ profileName: { before: 'Meera Iyre', after: 'Meera Iyer' } }) });
    const ok = await api(stack, 'POST', `/v1/signing-requests/${req.id}/signature`, { token: t.meera, body: { signature: sign(bytes, 'exporter-raj-user2') } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('offers the same verification to workflows as an activity: idempotent per signing key, refusals non-retryable with their code', async () => {
    const activities = createIdentityActivities(stack.deps);
    const doc = canonicalDocument({ application: 'DRAFTCOOAPPLY00229268AM25', tab: 'summary', total: 392 });
    const input = {
      userId: RAJ,
      iec: 'AAACR5055K',
      contentBase64: doc.base64,
      signatureBase64: sign(doc.bytes, 'exporter-raj'),
      purpose: 'application',
      reference: 'DRAFTCOOAPPLY00229268AM25',
      signingKey: `test/${randomUUID()}`,
    };
    const first = await activities.verifyAndStoreSignedSubmission(input);
    expect(first).toMatchObject({ method: 'dsc', signerName: 'RAJ KUMAR SHARMA', contentSha256: doc.sha256 });
    const again = await activities.verifyAndStoreSignedSubmission(input);
    expect(again.signedDocumentId).toBe(first.signedDocumentId);

    const err = await activities
      .verifyAndStoreSignedSubmission({ ...input, contentBase64: canonicalDocument({ other: true }).base64, signingKey: `test/${randomUUID()}` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'signature_invalid', nonRetryable: true });
    const wrongUser = await activities.verifyAndStoreSignedSubmission({ ...input, iec: 'AABCS1429B', signingKey: `test/${randomUUID()}` }).catch((e: unknown) => e);
    expect(wrongUser).toMatchObject({ type: 'not_found', nonRetryable: true });

    const direct = await verifySignedSubmission({
      em: stack.orm.em.fork(),
      identity: await stack.deps.identity(),
      userId: 'officer-eic-mum',
      iec: null,
      contentBytes: doc.bytes,
      signatureB64: sign(doc.bytes, 'officer-eic-mum'),
    });
    expect(direct).toMatchObject({ method: 'dsc', userKind: 'staff', officeCode: 'EIC-MUM', signerName: 'PRIYA DESHPANDE' });
    await expect(
      verifySignedSubmission({ em: stack.orm.em.fork(), identity: await stack.deps.identity(), userId: 'officer-eic-mum', iec: null, contentBytes: doc.bytes, signatureB64: sign(doc.bytes, 'officer-eic-koc') }),
    ).rejects.toBeInstanceOf(AppError);
  });

  it('keeps helpdesk views and user ids away from exporters and unknown staff', async () => {
    expect((await api(stack, 'GET', `/v1/users/${RAJ}`, { token: t.raj })).status).toBe(403);
    expect((await api(stack, 'GET', '/v1/users?frozen=true', { token: t.officerMum })).status).toBe(403);
    const ghost = await stack.token({ sub: 'ghost-admin', name: 'Ghost', roles: ['admin'] });
    const g = await api(stack, 'POST', `/v1/users/${RAJ}/unfreeze`, { token: ghost, body: { reason: 'trying to unfreeze without an account' } });
    expect(g.status).toBe(403);
    expect(g.body.code).toBe('account_not_registered');
    expect((await api(stack, 'GET', '/v1/users/AAACR5055K-9', { token: t.helpdesk })).status).toBe(404);
  });
});
