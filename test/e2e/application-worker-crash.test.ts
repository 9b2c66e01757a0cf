import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, CertificateRow, NotificationRow, PaymentRow, SignedVersion, TaxInvoiceRow } from '../../db/entities/index.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

// A worker killed (SIGKILL, no goodbye) in the middle of the flow: a new worker takes over from the
// workflow's history, and nothing is lost or done twice.
describe('worker killed mid-flow', () => {
  let stack: Stack;
  let pki: TestPki;
  let worker: ChildProcess | undefined;
  let starts = 0;
  const t = {} as Record<'raj' | 'priya', string>;

  async function startWorkerProcess(): Promise<void> {
    const log = path.join(stack.dir, `worker-${++starts}.log`);
    const out = fs.openSync(log, 'a');
    worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: stack.config.db.url,
        TEMPORAL_ADDRESS: stack.config.temporal.address,
        DATA_DIR: stack.dir,
        PUBLIC_BASE_URL: stack.baseUrl,
        PAYMENT_GATEWAY_URL: `${stack.baseUrl}/sandbox/gateway`,
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    // ready once it polls: its log says so
    const w = worker;
    await waitFor(
      () => {
        const text = fs.readFileSync(log, 'utf8');
        if (w.exitCode !== null) throw new Error(`worker exited:\n${text.slice(-2000)}`);
        return text;
      },
      { what: `the worker's log to say "worker running" (${log})`, timeoutMs: 60_000, intervalMs: 100, until: (text) => text.includes('worker running'), show: (text) => text.slice(-2000) },
    );
  }

  async function killWorker(): Promise<void> {
    const w = worker!;
    const gone = new Promise((r) => w.once('exit', r));
    w.kill('SIGKILL');
    await gone;
  }

  beforeAll(async () => {
    stack = await startStack({ name: 'worker-crash' });
    stack.config.timings = { ...stack.config.timings, reconcileEvery: '2 seconds', paymentReminders: [] };
    pki = await testPki(stack);
    await startWorkerProcess();
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) await killWorker();
    await stack?.stop();
  });

  it('recovers after being killed during payment and again during issuance, with no duplicates', async () => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await killWorker(); // the callback's signal is being processed
    await startWorkerProcess();
    await waitForStatus(stack, t.raj, draft.id, 'In-Process', 90_000);

    const ok = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: t.priya });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    await killWorker(); // certificate number, PDF and e-mails still to come
    await startWorkerProcess();
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
});
