import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, CertificateRow, NotificationRow, PaymentRow, SignedVersion, TaxInvoiceRow } from '../../db/entities/index.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import { fileWorkflowOf } from '../../workflows/certificate-request/contract.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { workerProcess } from '../helpers/processes.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// A worker killed (SIGKILL, no goodbye) in the middle of the flow: a new worker takes over from the
// workflow's history, and nothing is lost or done twice.
describe('worker killed mid-flow', () => {
  let stack: Stack;
  let pki: TestPki;
  const t = {} as Record<'raj' | 'priya', string>;
  // the worker as `npm start` runs it: a child process, killed with SIGKILL and started again
  const worker = workerProcess(
    () => stack.dir,
    () => ({
      ...process.env,
      DATABASE_URL: stack.config.db.url,
      TEMPORAL_ADDRESS: stack.config.temporal.address,
      DATA_DIR: stack.dir,
      PUBLIC_BASE_URL: stack.baseUrl,
      PAYMENT_GATEWAY_URL: `${stack.baseUrl}/sandbox/gateway`,
      NODE_ENV: 'test',
    }),
  );

  beforeAll(async () => {
    stack = await startStack({ name: 'worker-crash' });
    stack.config.timings = { ...stack.config.timings, reconcileEvery: '2 seconds', paymentReminders: [] };
    pki = await testPki(stack);
    await worker.start();
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    await worker.kill();
    await stack?.stop();
  });

  it('recovers after being killed during payment and again during issuance, with no duplicates', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await worker.kill(); // the callback's signal is being processed
    await worker.start();
    await waitForStatus(stack, t.raj, draft.id, 'In-Process', 90_000);

    const ok = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    await worker.kill(); // certificate number, PDF and e-mails still to come
    await worker.start();
    await waitForStatus(stack, t.raj, draft.id, 'Approved', 90_000);
    await stack.client.workflow.getHandle(applicationWorkflowId(draft.number)).result();

    const em = stack.orm.em.fork();
    expect(await em.count(PaymentRow, { applicationId: draft.id })).toBe(1);
    expect(await em.count(TaxInvoiceRow, { applicationId: draft.id })).toBe(1);
    expect(await em.count(CertificateRow, { applicationId: draft.id })).toBe(1);
    expect(await em.count(SignedVersion, { applicationId: draft.id })).toBe(1);
    const audit = await em.find(AuditEvent, { subjectId: draft.number }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['submitted-for-signature', 'signed', 'paid-and-submitted', 'approved', 'certificate-issued']);
    const mails = await em.find(NotificationRow, { applicationId: draft.id, channel: 'email' });
    const perTemplateAndRecipient = new Map<string, number>();
    for (const m of mails) perTemplateAndRecipient.set(`${m.template}/${m.recipient}`, (perTemplateAndRecipient.get(`${m.template}/${m.recipient}`) ?? 0) + 1);
    expect([...perTemplateAndRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(mails.every((m) => m.sentAt)).toBe(true);
  });

  it('issues an in-lieu certificate once when killed during its issuance: one new certificate, the original superseded once', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process', 90_000);
    expect((await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya })).status).toBe(200);
    const original = (await waitForStatus(stack, t.raj, draft.id, 'Approved', 90_000)).certificateNumber as string;

    const req = await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber: original, kind: 'in-lieu', reason: 'The route omitted the transhipment at Jebel Ali.' } });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const tabs = (await api(stack, 'GET', `/v1/applications/${req.body.id}`, { token: t.raj })).body.tabs;
    const saved = await api(stack, 'PUT', `/v1/applications/${req.body.id}/tabs/shipment`, { token: t.raj, body: { ...tabs.shipment, route: `${tabs.shipment.route} via Jebel Ali` } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const up = await fetch(`${stack.baseUrl}/v1/certificate-requests/${req.body.id}/supporting-documents?fileName=bl.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
      body: Buffer.from(await invoicePdf('BL/2026/55')),
    });
    expect(up.status).toBe(201);
    await submitAndSign(stack, pki, t.raj, req.body.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, req.body.id, 'success');
    await waitForStatus(stack, t.raj, req.body.id, 'In-Process', 90_000);
    expect((await api(stack, 'POST', `/v1/applications/${req.body.id}/decisions/approve`, { token: t.priya })).status).toBe(200);
    await worker.kill(); // the derived number, the supersession, the PDF and the e-mails still to come
    await worker.start();
    const done = await waitForStatus(stack, t.raj, req.body.id, 'Approved', 90_000);
    await stack.client.workflow.getHandle(fileWorkflowOf({ kind: 'in-lieu', number: req.body.number }).workflowId).result();

    const em = stack.orm.em.fork();
    expect(done.certificateNumber).toBe(`${original}/00000001`);
    expect(await em.count(CertificateRow, { applicationId: req.body.id })).toBe(1);
    expect(await em.count(CertificateRow, { originalNumber: original })).toBe(1);
    const orig = await em.findOneOrFail(CertificateRow, { number: original });
    expect(orig).toMatchObject({ status: 'superseded', supersededBy: done.certificateNumber });
    expect(orig.history.filter((h) => h.event === 'superseded')).toHaveLength(1);
    expect(await em.count(AuditEvent, { subjectType: 'certificate', subjectId: original, action: 'certificate.superseded' })).toBe(1);
    expect(await em.count(PaymentRow, { applicationId: req.body.id })).toBe(1);
    expect(await em.count(TaxInvoiceRow, { applicationId: req.body.id })).toBe(1);
  });
});
