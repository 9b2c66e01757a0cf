/**
 * Records the workflow histories that `npm test` replays (test/replay/histories.test.ts): a throwaway
 * PostgreSQL and Temporal dev server (scripts/infra/local-services.ts), the worker, the API and, for the mail
 * scenarios, a private Dovecot + SMTP relay and the mail ingester (the end-to-end tests' harness). Every
 * scenario is driven through the HTTP API and the mailbox as people would; each workflow's history is then
 * fetched from the server and written as JSON (the SDK's historyToJSON, the format `temporal workflow show
 * --output json` prints) to test/histories/<workflow>-<scenario>.json. Waits are seconds, not days.
 *
 * Re-record only when a change is meant to be incompatible and no workflow of the old code runs
 * anywhere (README: "Replayed histories and `patched()`").
 *
 *   npm run histories:record
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startLocalServices } from '../../scripts/infra/local-services.js';
import { AgencyOfficeRow, HelpdeskTicket, InboundMail, NotificationRow, WalletRow } from '../../db/entities/index.js';
import type { Config } from '../../lib/config.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import { certificateRequestWorkflowId } from '../../workflows/certificate-request/contract.js';
import { exporterRegistrationWorkflowId } from '../../workflows/exporter-registration/contract.js';
import { iecRefreshWorkflowId } from '../../workflows/iec-refresh/contract.js';
import { walletTopUpWorkflowId } from '../../workflows/wallet-topup/contract.js';
import { ticketStateQuery } from '../../workflows/helpdesk-ticket/contract.js';
import { api } from '../helpers/stack.js';
import { startStack, type Stack } from '../../scripts/lib/stack.js';
import { createCompleteDraft, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { HELPDESK, startMailStack, type MailStack } from '../../scripts/lib/mail-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { HISTORIES_DIR, MANIFEST_FILE, REQUIRED_HISTORIES, type HistoryFile, type HistoryManifest } from './required-histories.js';

const t0 = Date.now();
const say = (m: string) => process.stdout.write(`[histories ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}\n`);

const IEC = 'AAACR5055K';
const RAJ_MAIL = 'raj.sharma@rajkumarexports.example';
/** no reminder or reconciliation fires unless a scenario asks for it: the histories stay the same shape */
const TIMINGS: Config['timings'] = {
  signatureWindow: '2 minutes',
  paymentWindow: '2 minutes',
  paymentReminders: [],
  reconcileEvery: '2 minutes',
  deficiencyWindow: '2 minutes',
  deficiencyReminders: [],
  reviewReminders: [],
  reviewEscalation: '1 hour',
  certificateSignatureReminders: [],
  certificateSignatureEscalation: '1 hour',
};

function must<T extends { status: number; body: any }>(r: T, status: number | number[], what: string): T {
  if (!(Array.isArray(status) ? status : [status]).includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

const recorded = new Map<HistoryFile, { workflowId: string; history: temporal.api.history.v1.IHistory }>();

/** Waits for the workflow to end (completed, not failed), then keeps its whole history. */
async function record(client: Client, file: HistoryFile, workflowId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  await handle.result();
  const history = await handle.fetchHistory();
  recorded.set(file, { workflowId, history });
  say(`recorded ${file} (${workflowId}, ${history.events?.length ?? 0} events)`);
}

function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  return waitFor(fn, { what, timeoutMs, intervalMs: 100 }) as Promise<T>;
}

interface People {
  raj: string;
  priya: string;
  admin: string;
}

async function applicationScenarios(stack: Stack, pki: TestPki, t: People): Promise<void> {
  const rajSigns = (b64: string) => sign(pki, 'exporter-raj', b64);
  const inProcess = async (pay: 'gateway' | 'ewallet') => {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    if (pay === 'gateway') await payAtGateway(stack, t.raj, draft.id, 'success');
    else {
      await waitForStatus(stack, t.raj, draft.id, 'Pending Payment');
      must(await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: t.raj, body: { method: 'ewallet' } }), 200, 'e-wallet payment');
    }
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    return draft;
  };

  // expired: its waits are fixed when its workflow starts (at submission), so it starts first, alone
  stack.config.timings = { ...TIMINGS, paymentWindow: '4 seconds', paymentReminders: ['1 second'] };
  const expired = await createCompleteDraft(stack, t.raj);
  try {
    await submitAndSign(stack, pki, t.raj, expired.id, 'exporter-raj');
  } finally {
    stack.config.timings = { ...TIMINGS };
  }

  // officer deadlines: the same, with a review reminder and the escalation seconds after In-Process
  stack.config.timings = { ...TIMINGS, reviewReminders: ['1 second'], reviewEscalation: '2 seconds' };
  const overdue = await createCompleteDraft(stack, t.raj);
  try {
    await submitAndSign(stack, pki, t.raj, overdue.id, 'exporter-raj');
  } finally {
    stack.config.timings = { ...TIMINGS };
  }

  await Promise.all([
    (async () => {
      await payAtGateway(stack, t.raj, overdue.id, 'success');
      await waitForStatus(stack, t.raj, overdue.id, 'In-Process');
      await until('the escalation sent', async () => (await stack.orm.em.fork().count(NotificationRow, { applicationId: overdue.id, template: 'officer-review-escalation', sentAt: { $ne: null } })) > 0);
      must(await api(stack, 'POST', `/v1/applications/${overdue.id}/decisions/approve`, { token: t.priya }), 200, 'approve the overdue file');
      await waitForStatus(stack, t.raj, overdue.id, 'Approved');
      await record(stack.client, 'cooApplication-officer-deadlines.json', applicationWorkflowId(overdue.number));
    })(),
    (async () => {
      await waitForStatus(stack, t.raj, expired.id, 'Expired', 30_000);
      await record(stack.client, 'cooApplication-expired.json', applicationWorkflowId(expired.number));
    })(),
    (async () => {
      const app = await inProcess('gateway');
      must(await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya }), 200, 'approve');
      await waitForStatus(stack, t.raj, app.id, 'Approved');
      await record(stack.client, 'cooApplication-happy-path.json', applicationWorkflowId(app.number));
      // a certificate in lieu of that certificate: the importer corrected, one discrepancy answered, issued
      const cert = (await workflowState(stack, t.raj, app.id)).certificateNumber as string;
      const req = must(await api(stack, 'POST', '/v1/certificate-requests', { token: t.raj, body: { certificateNumber: cert, kind: 'in-lieu', reason: 'The importer name was misspelt.' } }), 201, 'in-lieu request');
      const tabs = must(await api(stack, 'GET', `/v1/applications/${req.body.id}`, { token: t.raj }), 200, 'read the request').body.tabs;
      const details = { ...tabs.certificateDetails, importer: { ...tabs.certificateDetails.importer, name: `${tabs.certificateDetails.importer.name} (corrected)` } };
      must(await api(stack, 'PUT', `/v1/applications/${req.body.id}/tabs/certificateDetails`, { token: t.raj, body: details }), 200, 'correct the importer');
      const doc = await fetch(`${stack.baseUrl}/v1/certificate-requests/${req.body.id}/supporting-documents?fileName=buyer-letter.pdf`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
        body: Buffer.from(await invoicePdf('BUYER/LETTER/1')),
      });
      if (doc.status !== 201) throw new Error(`uploading the supporting document: HTTP ${doc.status} ${await doc.text()}`);
      const sub = must(await api(stack, 'POST', `/v1/applications/${req.body.id}/submit`, { token: t.raj }), 202, 'submit the request');
      must(await api(stack, 'POST', `/v1/applications/${req.body.id}/signature`, { token: t.raj, body: { signatureB64: rajSigns(sub.body.signing.contentB64) } }), 200, 'sign the request');
      await waitForStatus(stack, t.raj, req.body.id, 'Pending Payment');
      must(await api(stack, 'POST', `/v1/applications/${req.body.id}/payment`, { token: t.raj, body: { method: 'ewallet' } }), 200, 'pay the request');
      await waitForStatus(stack, t.raj, req.body.id, 'In-Process');
      must(await api(stack, 'POST', `/v1/applications/${req.body.id}/decisions/deficiency`, { token: t.priya, body: { remarks: 'Attach the buyer’s letter.', documentsRequested: [] } }), 200, 'discrepancy');
      await waitForStatus(stack, t.raj, req.body.id, 'Deficient');
      const answer = must(await api(stack, 'POST', `/v1/applications/${req.body.id}/deficiency-response`, { token: t.raj, body: { kind: 'clarification', clarification: 'Letter sent by courier.' } }), 200, 'answer');
      must(await api(stack, 'POST', `/v1/applications/${req.body.id}/signature`, { token: t.raj, body: { signatureB64: rajSigns(answer.body.contentB64) } }), 200, 'sign the answer');
      await waitForStatus(stack, t.raj, req.body.id, 'In-Process');
      must(await api(stack, 'POST', `/v1/applications/${req.body.id}/decisions/approve`, { token: t.priya }), 200, 'approve the request');
      await waitForStatus(stack, t.raj, req.body.id, 'Approved');
      await record(stack.client, 'cooCertificateRequest-in-lieu.json', certificateRequestWorkflowId(req.body.number));
    })(),
    (async () => {
      const app = await inProcess('ewallet');
      must(await api(stack, 'POST', `/v1/applications/${app.id}/decisions/reject`, { token: t.priya, body: { reason: 'Goods do not meet the origin criterion.' } }), 200, 'reject');
      await waitForStatus(stack, t.raj, app.id, 'Rejected');
      await record(stack.client, 'cooApplication-rejected.json', applicationWorkflowId(app.number));
    })(),
    (async () => {
      const app = await inProcess('ewallet');
      // round 1, "Yes": the exporter edits the application and signs the edited version
      must(
        await api(stack, 'POST', `/v1/applications/${app.id}/decisions/deficiency`, { token: t.priya, body: { remarks: 'Declaration place must be the place of the signatory.', documentsRequested: [] } }),
        200,
        'deficiency 1',
      );
      await waitForStatus(stack, t.raj, app.id, 'Deficient');
      const current = must(await api(stack, 'GET', `/v1/applications/${app.id}`, { token: t.raj }), 200, 'read the application');
      must(
        await api(stack, 'PUT', `/v1/applications/${app.id}/tabs/declaration`, {
          token: t.raj,
          body: { ...current.body.tabs.declaration, place: 'Navi Mumbai' },
          headers: { 'if-match': `"${current.body.version}"` },
        }),
        200,
        'edit the declaration',
      );
      const edit = must(await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, { token: t.raj, body: { kind: 'edit' } }), 200, 'response 1');
      must(await api(stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: rajSigns(edit.body.contentB64) } }), 200, 'sign response 1');
      await waitForStatus(stack, t.raj, app.id, 'In-Process');
      // round 2, "No": a signed clarification with a file
      must(
        await api(stack, 'POST', `/v1/applications/${app.id}/decisions/deficiency`, { token: t.priya, body: { remarks: 'Send the cost sheet for item 1.', documentsRequested: ['cost_sheet'] } }),
        200,
        'deficiency 2',
      );
      await waitForStatus(stack, t.raj, app.id, 'Deficient');
      const up = await fetch(`${stack.baseUrl}/v1/applications/${app.id}/deficiency-response/attachments?fileName=cost-sheet.pdf&documentType=cost_sheet`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
        body: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
      });
      if (up.status !== 201) throw new Error(`uploading the cost sheet: HTTP ${up.status} ${await up.text()}`);
      const file = (await up.json()) as { id: string };
      const clar = must(
        await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, { token: t.raj, body: { kind: 'clarification', clarification: 'Cost sheet attached.', attachmentIds: [file.id] } }),
        200,
        'response 2',
      );
      must(await api(stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: rajSigns(clar.body.contentB64) } }), 200, 'sign response 2');
      await waitForStatus(stack, t.raj, app.id, 'In-Process');
      must(await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya }), 200, 'approve');
      await waitForStatus(stack, t.raj, app.id, 'Approved');
      await record(stack.client, 'cooApplication-two-deficiencies.json', applicationWorkflowId(app.number));
    })(),
  ]);

  // the office signs with the approving officer's DSC (after the others: it changes EIC Mumbai's reference data)
  await registerWithDsc(stack, pki, t.priya, '', 'officer-eic-mum', false);
  const em = stack.orm.em.fork();
  const office = await em.findOneOrFail(AgencyOfficeRow, { code: 'EIC-MUM' });
  const before = office.data;
  try {
    await em.getConnection().execute(`update agency_office set data = jsonb_set(data, '{certificateSigning}', '"officer-dsc"') where code = 'EIC-MUM'`);
    // the worker re-reads the reference data every 2 s
    await waitFor(() => stack.deps.reference(), { what: "the worker's reference data with EIC-MUM signing by the officer's DSC", timeoutMs: 15_000, until: (ref) => ref.office('EIC-MUM')?.certificateSigning === 'officer-dsc' });
    const app = await inProcess('gateway');
    must(await api(stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya }), 200, 'approve');
    await until('the certificate waiting for the officer', async () => (await workflowState(stack, t.priya, app.id)).certificateSigning);
    const req = must(await api(stack, 'GET', `/v1/applications/${app.id}/certificate/signing`, { token: t.priya }), 200, 'the bytes to sign');
    must(await api(stack, 'POST', `/v1/applications/${app.id}/certificate/signature`, { token: t.priya, body: { signatureB64: sign(pki, 'officer-eic-mum', req.body.contentB64) } }), 200, 'officer signature');
    await waitForStatus(stack, t.raj, app.id, 'Approved');
    await record(stack.client, 'cooApplication-officer-dsc.json', applicationWorkflowId(app.number));
  } finally {
    await em.getConnection().execute(`update agency_office set data = ?::jsonb where code = 'EIC-MUM'`, [JSON.stringify(before)]);
  }
}

async function mailScenarios(ms: MailStack): Promise<void> {
  const kavita = await ms.stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
  const opening = await ms.send({
    from: `Raj Kumar Sharma <${RAJ_MAIL}>`,
    to: HELPDESK,
    subject: 'Office not listed',
    text: 'Hello, the office of EIC Kochi is not shown in the drop-down when I fill the certificate details. What should I do?\n\nRaj',
  });
  const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(opening));
  await ms.waitForMail(RAJ_MAIL, (m) => m.inReplyTo === opening); // the acknowledgement
  must(await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/take`, { token: kavita }), 200, 'take the ticket');
  must(
    await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/reply`, { token: kavita, body: { body: 'EIC Kochi issues certificates for Kerala only: choose the office of your branch.' } }),
    200,
    'answer',
  );
  const answer = await ms.waitForMail(RAJ_MAIL, (m) => m.messageId === `<ticket-${ticket.number}-m1@coo.test>`);
  const reply = await ms.send({
    from: RAJ_MAIL,
    to: HELPDESK,
    subject: answer.subject!,
    inReplyTo: answer.messageId!,
    references: [opening, answer.messageId!],
    text: 'Thank you, our branch is in Mumbai: EIC Mumbai is listed.',
  });
  const handle = ms.stack.client.workflow.getHandle(ticket.workflowId);
  await until('the reply in the ticket', async () => (await handle.query(ticketStateQuery)).events.some((e) => e.kind === 'mail') && (await ms.stack.orm.em.fork().findOne(InboundMail, { messageId: reply }))?.outcome);
  must(await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/resolve`, { token: kavita, body: { note: 'Office chosen by branch.' } }), 200, 'resolve');

  const inbound = async (messageId: string) => (await ms.stack.orm.em.fork().findOneOrFail(InboundMail, { messageId })).workflowId;
  await record(ms.stack.client, 'processInboundMail-new-ticket.json', await inbound(opening));
  await record(ms.stack.client, 'processInboundMail-ticket-message.json', await inbound(reply));
  const row = await ms.stack.orm.em.fork().findOneOrFail(HelpdeskTicket, { number: ticket.number });
  await record(ms.stack.client, 'helpdeskTicket-resolved.json', row.workflowId); // ends closeAfterResolved after the resolution
}

/**
 * Writes every recorded history, replacing the folder; with `--only a.json,b.json`, writes just those and
 * keeps the others as they are (histories recorded before a `patched()` change keep covering the old path).
 */
function writeHistories(only: string[] | undefined): void {
  const wanted = only ?? Object.keys(REQUIRED_HISTORIES);
  const unknown = wanted.filter((f) => !(f in REQUIRED_HISTORIES));
  if (unknown.length) throw new Error(`not a required history (test/replay/required-histories.ts): ${unknown.join(', ')}`);
  const missing = wanted.filter((f) => !recorded.has(f as HistoryFile));
  if (missing.length) throw new Error(`not recorded: ${missing.join(', ')}`);
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const manifestPath = path.join(HISTORIES_DIR, MANIFEST_FILE);
  const kept: HistoryManifest['histories'] = only && fs.existsSync(manifestPath) ? (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as HistoryManifest).histories : {};
  if (!only) for (const f of fs.readdirSync(HISTORIES_DIR)) if (f.endsWith('.json')) fs.rmSync(path.join(HISTORIES_DIR, f));
  const manifest: HistoryManifest = {
    note: 'Written by `npm run histories:record` (test/replay/record-histories.ts); replayed by test/replay/histories.test.ts.',
    recordedAt: new Date().toISOString(),
    histories: kept,
  };
  for (const [file, { workflowId, history }] of [...recorded].filter(([f]) => wanted.includes(f)).sort(([a], [b]) => a.localeCompare(b))) {
    fs.writeFileSync(path.join(HISTORIES_DIR, file), `${historyToJSON(history)}\n`);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    manifest.histories[file] = { workflowId, workflowType: started?.workflowType?.name ?? '?', events: history.events?.length ?? 0, scenario: REQUIRED_HISTORIES[file] };
  }
  manifest.histories = Object.fromEntries(Object.entries(manifest.histories).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(path.join(HISTORIES_DIR, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  say(`wrote ${wanted.length} histories and ${MANIFEST_FILE} to ${path.relative(process.cwd(), HISTORIES_DIR)}`);
}

// under the system's temporary folder, which the embedded PostgreSQL's own user can always reach
const dir = path.join(os.tmpdir(), `coo-histories-${process.pid}`);
fs.mkdirSync(dir, { recursive: true });
fs.chmodSync(dir, 0o755);
const services = await startLocalServices({ name: 'histories', logDir: dir, database: 'histories', onProgress: say });
const where = { databaseUrl: services.databaseUrl, temporalAddress: services.temporalAddress, dataDir: dir };
say(`PostgreSQL and Temporal (${services.temporalAddress}) started`);
let stack: Stack | undefined;
let ms: MailStack | undefined;
try {
  stack = await startStack({ name: 'applications', services: where });
  stack.config.timings = { ...TIMINGS };
  const pki = await testPki(stack);
  await stack.startWorker();
  const t: People = {
    raj: await stack.token({ sub: `${IEC}-1`, name: 'Raj Kumar Sharma', roles: ['exporter'], iec: IEC }),
    priya: await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' }),
    admin: await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] }),
  };
  await registerWithDsc(stack, pki, t.raj, IEC, 'exporter-raj');
  await record(stack.client, 'registerExporter-new-exporter.json', exporterRegistrationWorkflowId(IEC));
  must(await api(stack, 'POST', `/v1/iec-master/${IEC}/refresh`, { token: t.admin }), 200, 'IEC refresh');
  await record(stack.client, 'refreshIecRecord-refresh.json', iecRefreshWorkflowId(IEC));
  // an e-wallet top-up paid at the gateway whose callback is lost: its reconciliation finds it paid
  stack.config.timings = { ...TIMINGS, reconcileEvery: '1 second' };
  const topUp = must(await api(stack, 'POST', '/v1/wallets/EIC-CHN/top-ups', { token: t.raj, body: { amountPaise: 50_000 } }), 201, 'wallet top-up');
  stack.config.timings = { ...TIMINGS };
  must(await api(stack, 'POST', `/sandbox/gateway/checkout/${encodeURIComponent(topUp.body.orderId)}/pay`, { body: { outcome: 'success-no-callback' }, headers: { accept: 'application/json' } }), 200, 'top-up paid, callback lost');
  await record(stack.client, 'reconcileWalletTopUp-lost-callback.json', walletTopUpWorkflowId(topUp.body.orderId));
  await stack.orm.em.fork().upsert(WalletRow, { iec: IEC, officeCode: 'EIC-MUM', balancePaise: 100_000_000 });
  await applicationScenarios(stack, pki, t);
  // one worker at a time on the task queue: the mail stack's worker sends real mail
  await stack.stop();
  stack = undefined;

  ms = await startMailStack({ name: 'mail', services: where, users: [{ address: RAJ_MAIL, password: 'raj-pw' }], sla: '1 hour', closeAfterResolved: '2 seconds' });
  await mailScenarios(ms);
  const onlyAt = process.argv.indexOf('--only');
  writeHistories(onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : undefined);
} finally {
  await ms?.stop();
  await stack?.stop();
  await services.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
say('done');
