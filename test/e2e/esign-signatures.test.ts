import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, FileEsignRow, SignedVersion } from '../../db/entities/index.js';
import { withVerhoeffDigit } from '../../services/identity/esign-sandbox.js';
import { TemporalSlackBackend } from '../../channels/slack/temporal-backend.js';
import { buildApplicationMessage } from '../../channels/slack/blocks/application-message.js';
import { createCompleteDraft, defaultTabs, ensureIecRecord, invoicePdf } from '../helpers/drafts.js';
import { ESIGN_SANDBOX_OTP, payAtGateway, signWithESign, submitAndESign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// Aadhaar eSign wherever a DSC signs (seed 002 II), through the HTTP API on the real services: an exporter
// with no DSC at all signs an application, its deficiency response, a request for a certificate in lieu and
// that request's discrepancy answer by eSign (the sandbox provider: an OTP to the Aadhaar-linked mobile).
// Vizag Marine Foods (AAGCV6021N) and EIC Delhi are used by no other test file (the database is shared).
const IEC = 'AAGCV6021N';
const USER = `${IEC}-1`;
const OFFICE = 'EIC-DEL';
const AADHAAR = withVerhoeffDigit('99990000106'); // SRINIVAS VARMA
const AADHAAR_VARIANT = withVerhoeffDigit('99990000107'); // SRINIVASA VARMA

describe('Aadhaar eSign on the file signatures', () => {
  let stack: Stack;
  const t = {} as Record<'srinivas' | 'officer' | 'admin', string>;
  let issued: { id: string; number: string; certificateNumber: string };

  beforeAll(async () => {
    stack = await startStack({ name: 'esign' });
    stack.config.timings = {
      signatureWindow: '5 minutes',
      paymentWindow: '5 minutes',
      paymentReminders: [],
      reconcileEvery: '1 second',
      deficiencyWindow: '5 minutes',
      deficiencyReminders: [],
      reviewReminders: [],
      reviewEscalation: '1 hour',
      certificateSignatureReminders: [],
      certificateSignatureEscalation: '1 hour',
    };
    // the trusted CAs, the eSign sandbox's certificate and the offices' e-seals
    await testPki(stack);
    await stack.startWorker();
    t.srinivas = await stack.token({ sub: USER, name: 'Srinivas Varma', roles: ['exporter'], iec: IEC });
    t.officer = await stack.token({ sub: 'officer-eic-del', name: 'Rohit Malhotra', roles: ['officer'], officeCode: OFFICE, agencyCode: 'EIC' });
    t.admin = await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    // the master user is registered from the IEC master; no DSC is ever registered
    const reg = await api(stack, 'POST', '/v1/exporters', { token: t.srinivas, body: { iec: IEC } });
    expect([200, 201], JSON.stringify(reg.body)).toContain(reg.status);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('signs an application and its deficiency response by Aadhaar eSign, and the certificate is issued; each signature says how it was made', async () => {
    const tabs = defaultTabs(await ensureIecRecord(stack, t.srinivas));
    const draft = await createCompleteDraft(stack, t.srinivas, { tabs: { certificateDetails: { ...tabs.certificateDetails, officeCode: OFFICE } } });
    const sub = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: t.srinivas });
    expect(sub.status, JSON.stringify(sub.body)).toBe(202);

    // an OTP without an eSign started, a number that is no Aadhaar number, a DSC signature missing: each refused with its reason
    const early = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.srinivas, body: { method: 'esign', otp: ESIGN_SANDBOX_OTP } });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'esign_transaction_invalid' });
    expect(early.body.detail).toContain(`Start it first: POST /v1/applications/${draft.id}/esign`);
    const notAadhaar = await api(stack, 'POST', `/v1/applications/${draft.id}/esign`, { token: t.srinivas, body: { aadhaarId: '234567890123' } });
    expect(notAadhaar.status).toBe(422);
    expect(notAadhaar.body.detail).toContain('not a valid Aadhaar number');
    const noSignature = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.srinivas, body: { method: 'dsc' } });
    expect(noSignature.status).toBe(422);
    expect(JSON.stringify(noSignature.body.errors)).toContain('signatureB64');

    // request → OTP at the provider → the provider's signature, verified by the workflow's own check
    const started = await api(stack, 'POST', `/v1/applications/${draft.id}/esign`, { token: t.srinivas, body: { aadhaarId: AADHAAR } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ provider: 'sandbox', otpSentTo: 'XXXXXX4041', signing: { purpose: 'submission', round: 0, sha256: sub.body.signing.sha256 } });
    const wrong = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.srinivas, body: { method: 'esign', otp: '000000' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'esign_otp_invalid', detail: 'Wrong OTP. 2 attempts left.' });
    const signed = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.srinivas, body: { method: 'esign', otp: ESIGN_SANDBOX_OTP } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body).toMatchObject({ sha256: sub.body.signing.sha256, method: 'esign' });
    // the signed eSign is spent: nothing waits for a signature any more
    const again = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: t.srinivas, body: { method: 'esign', otp: ESIGN_SANDBOX_OTP } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/^Nothing is waiting for a signature: (its signature has been received|the file is Pending Payment)/);

    await payAtGateway(stack, t.srinivas, draft.id, 'success');
    await waitForStatus(stack, t.srinivas, draft.id, 'In-Process');
    const raised = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/deficiency`, { token: t.officer, body: { remarks: 'State the catch area of the shrimp.', documentsRequested: [] } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    await waitForStatus(stack, t.srinivas, draft.id, 'Deficient');
    const response = await api(stack, 'POST', `/v1/applications/${draft.id}/deficiency-response`, { token: t.srinivas, body: { kind: 'clarification', clarification: 'FAO area 57, Bay of Bengal.' } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const { started: responseEsign } = await signWithESign(stack, t.srinivas, draft.id, AADHAAR);
    expect(responseEsign.signing).toMatchObject({ purpose: 'clarification', round: 1, sha256: response.body.sha256 });
    const answered = await waitForStatus(stack, t.srinivas, draft.id, 'In-Process');

    // the workflow's history and rounds, the application, the audit trail and the officer's card say "eSign"
    expect(answered.deficiencies[0].response).toMatchObject({ kind: 'clarification', signatureMethod: 'esign' });
    expect(answered.history.filter((h: any) => h.signatureMethod).map((h: any) => [h.status, h.signatureMethod])).toEqual([
      ['Pending Payment', 'esign'],
      ['In-Process', 'esign'],
    ]);
    const app = await api(stack, 'GET', `/v1/applications/${draft.id}`, { token: t.officer });
    expect(app.status).toBe(200);
    expect(app.body.signatures).toEqual([
      expect.objectContaining({ purpose: 'submission', round: 0, method: 'esign', signer: { userId: USER, name: 'SRINIVAS VARMA', aadhaarLast4: AADHAAR.slice(-4) } }),
      expect.objectContaining({ purpose: 'clarification', round: 1, method: 'esign', signer: { userId: USER, name: 'SRINIVAS VARMA', aadhaarLast4: AADHAAR.slice(-4) } }),
    ]);
    const em = stack.orm.em.fork();
    const audit = await em.find(AuditEvent, { subjectId: draft.number, action: { $in: ['signed', 'deficiency-answered'] } }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, (a.details as { signatureMethod?: string }).signatureMethod])).toEqual([
      ['signed', 'esign'],
      ['deficiency-answered', 'esign'],
    ]);
    expect((await em.find(FileEsignRow, { applicationId: draft.id, status: 'signed' })).length).toBe(2);
    const card = await new TemporalSlackBackend({ temporal: stack.client, em: () => stack.orm.em.fork() }).getCard(draft.number);
    const message = JSON.stringify(buildApplicationMessage(card!).blocks);
    expect(message).toContain('*Signed with*\\nAadhaar eSign\\nSRINIVAS VARMA');
    expect(message).toContain('(signed with Aadhaar eSign)');

    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.officer });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await waitForStatus(stack, t.srinivas, draft.id, 'Approved');
    expect(done.certificateNumber).toMatch(/^EIC\/\d{4}\/\d{3}\/\d{7}A$/);
    issued = { id: draft.id, number: draft.number, certificateNumber: done.certificateNumber };
    const after = await api(stack, 'POST', `/v1/applications/${draft.id}/esign`, { token: t.srinivas, body: { aadhaarId: AADHAAR } });
    expect(after.status).toBe(409);
    expect(after.body.detail).toBe('Nothing is waiting for a signature: the file is Approved.');
  });

  it('signs a request for a certificate in lieu and its discrepancy answer by eSign; an Aadhaar name that differs freezes as a DSC name does', async () => {
    const req = await api(stack, 'POST', '/v1/certificate-requests', { token: t.srinivas, body: { certificateNumber: issued.certificateNumber, kind: 'in-lieu', reason: 'The importer name was misspelt.' } });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const id = req.body.id as string;
    const details = structuredClone((await api(stack, 'GET', `/v1/applications/${id}`, { token: t.srinivas })).body.tabs.certificateDetails);
    details.importer.name = `${details.importer.name} (corrected)`;
    expect((await api(stack, 'PUT', `/v1/applications/${id}/tabs/certificateDetails`, { token: t.srinivas, body: details })).status).toBe(200);
    const upload = await fetch(`${stack.baseUrl}/v1/certificate-requests/${id}/supporting-documents?fileName=buyer-letter.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.srinivas}`, 'content-type': 'application/pdf' },
      body: Buffer.from(await invoicePdf('BUYER/LETTER/2026/9')),
    });
    expect(upload.status).toBe(201);

    await submitAndESign(stack, t.srinivas, id, AADHAAR);
    await payAtGateway(stack, t.srinivas, id, 'success');
    await waitForStatus(stack, t.srinivas, id, 'In-Process');
    const discrepancy = await api(stack, 'POST', `/v1/applications/${id}/decisions/deficiency`, { token: t.officer, body: { remarks: 'Confirm the importer’s registered name.', documentsRequested: [] } });
    expect(discrepancy.status, JSON.stringify(discrepancy.body)).toBe(200);
    await waitForStatus(stack, t.srinivas, id, 'Deficient');
    const answer = await api(stack, 'POST', `/v1/applications/${id}/deficiency-response`, { token: t.srinivas, body: { kind: 'clarification', clarification: 'As on the buyer’s letter attached to the request.' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    // an eSign whose Aadhaar name is not the profile's: the DSC's rule, explanation and freeze
    const variant = await api(stack, 'POST', `/v1/applications/${id}/esign`, { token: t.srinivas, body: { aadhaarId: AADHAAR_VARIANT } });
    expect(variant.status, JSON.stringify(variant.body)).toBe(201);
    const mismatch = await api(stack, 'POST', `/v1/applications/${id}/signature`, { token: t.srinivas, body: { method: 'esign', otp: ESIGN_SANDBOX_OTP } });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('dsc_name_mismatch');
    expect(mismatch.body.detail).toContain('the name in your Aadhaar record (returned by eSign), "SRINIVASA VARMA"');
    const frozen = await api(stack, 'POST', `/v1/applications/${id}/esign`, { token: t.srinivas, body: { aadhaarId: AADHAAR } });
    expect(frozen.status).toBe(403);
    expect(frozen.body.code).toBe('user_frozen');
    const un = await api(stack, 'POST', `/v1/users/${USER}/unfreeze`, { token: t.admin, body: { reason: 'Aadhaar and the IEC master checked: the variant was a typing error at the provider.' } });
    expect(un.status, JSON.stringify(un.body)).toBe(200);

    await signWithESign(stack, t.srinivas, id, AADHAAR);
    const answered = await waitForStatus(stack, t.srinivas, id, 'In-Process');
    expect(answered.deficiencies[0].response).toMatchObject({ kind: 'clarification', signatureMethod: 'esign' });
    const versions = await stack.orm.em.fork().find(SignedVersion, { applicationId: id }, { orderBy: { id: 'asc' } });
    expect(versions.map((v) => [v.purpose, v.method, v.signerName])).toEqual([
      ['submission', 'esign', 'SRINIVAS VARMA'],
      ['clarification', 'esign', 'SRINIVAS VARMA'],
    ]);
    // what the request's signature covered: its own document
    expect((versions[0]!.content as { document: string }).document).toBe('coo-certificate-request');
    await stack.client.workflow.getHandle(`coo-certificate-request/${req.body.number}`).terminate('test done');
  });
});
