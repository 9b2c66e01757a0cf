import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { createSlackActivityDeps } from '../../services/slack/deps.js';
import { AgencyOfficeRow, ApplicationRow, AuditEvent, CertificateRow, NotificationRow, SlackMessage, SlackUserLink, StaffUserRow, WalletRow } from '../../db/entities/index.js';
import { createLogger } from '../../lib/logger.js';
import type { SlackSettings } from '../../lib/config.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { FakeSlack, type FakeMessage } from '../helpers/slack-fake.js';
import { appHomeOpenedEvent, blockActions, checkboxValues, eventCallback, sendSigned, slashCommand, textValue, viewSubmission, type SlackResponse } from '../helpers/slack-sign.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { tinyPdf } from '../helpers/files.js';

// Officers decide in Slack: Bolt in HTTP mode inside the real API, requests signed as Slack signs them,
// its Web API pointed at a local fake that records every call; the real workflow, PostgreSQL, Temporal.
const TEAM = 'T0COOE2E';
const SECRET = 'e2e-slack-signing-secret-5d1e';
const BOT_TOKEN = 'xoxb-e2e-officers-bot';
const CHANNEL = 'C0EICMUM01';
const U = { priya: 'U0PRIYA', sunil: 'U0SUNIL', thomas: 'U0THOMAS', stranger: 'U0STRANGER', rakesh: 'U0RAKESH' } as const;
const SUNIL = 'officer-eic-mum-e2e';

describe('officers in Slack: approvals, deficiencies, rejections, races, stale files', () => {
  let stack: Stack;
  let pki: TestPki;
  let fake: FakeSlack;
  let server: Server;
  let slackUrl: string;
  let adminBase: string;
  const t = {} as Record<'raj' | 'admin' | 'mpedaAdmin', string>;
  /** left In-Process by the refusal test, for the queue */
  let waiting: { id: string; number: string; fileNumber: string } | undefined;

  /** The Slack-configured API: the same createApp, with SLACK_* set (Slack in HTTP mode). */
  async function adminApi(method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
    return api({ ...stack, baseUrl: adminBase }, method, url, opts);
  }
  const send = (req: { body: string; contentType: string }, opts?: { secret?: string; timestamp?: number }): Promise<SlackResponse> => sendSigned(slackUrl, SECRET, req, opts);
  const click = (userId: string, actionId: string, ref: { channel: string; ts: string }, value: string, actionTs?: string) =>
    send(blockActions({ teamId: TEAM, userId, actionId, value, channel: ref.channel, messageTs: ref.ts, ...(actionTs ? { actionTs } : {}) }));

  async function inProcess(): Promise<{ id: string; number: string; fileNumber: string }> {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    const s = await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    return { id: draft.id, number: draft.number, fileNumber: s.fileNumber };
  }

  const until = <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> =>
    waitFor(fn, { what, timeoutMs, intervalMs: 100 });

  /** The application's one channel message (posted by the workflow's transition hook). */
  async function channelMessage(number: string): Promise<{ ref: { channel: string; ts: string }; message: () => FakeMessage }> {
    const ref = await until(`the channel message of ${number}`, async () => {
      const row = await stack.orm.em.fork().findOne(SlackMessage, { applicationNumber: number });
      return row?.channel && row.ts ? { channel: row.channel, ts: row.ts } : undefined;
    });
    return { ref, message: () => fake.message(ref.channel, ref.ts)! };
  }

  const statusOf = (text: string | undefined) => text?.split(': ').at(-1);
  const showing = (m: FakeMessage, status: string) => statusOf(m.text) === status;
  /** Every status the message showed, oldest first, repeats collapsed. */
  const history = (m: FakeMessage) =>
    [...m.previous.map((v) => statusOf(v.text)), statusOf(m.text)].filter((s, i, all) => i === 0 || s !== all[i - 1]);
  const textOf = (blocks: unknown): string => JSON.stringify(blocks ?? []);
  const buttons = (m: FakeMessage) => [...textOf(m.blocks).matchAll(/"action_id":"(coo_[a-z_]+)"/g)].map((x) => x[1]);

  beforeAll(async () => {
    stack = await startStack({ name: 'slack' });
    stack.config.timings = { signatureWindow: '2 minutes', paymentWindow: '2 minutes', paymentReminders: [], reconcileEvery: '1 second', deficiencyWindow: '5 minutes', deficiencyReminders: [], reviewReminders: [], reviewEscalation: '1 hour', certificateSignatureReminders: [], certificateSignatureEscalation: '1 hour' };
    pki = await testPki(stack);
    fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM, users: [{ id: U.rakesh, email: 'rakesh.gupta@eicindia.example', name: 'Rakesh Gupta' }] });
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', service: 'test:slack' });

    // a second officer of EIC Mumbai, to race the first
    await stack.orm.em.fork().upsert(StaffUserRow, {
      id: SUNIL,
      role: 'officer',
      name: 'Sunil Patil',
      email: 'sunil.patil@eicindia.example',
      designation: 'Assistant Director',
      agencyCode: 'EIC',
      officeCode: 'EIC-MUM',
      active: true,
      createdAt: new Date(),
    });

    // the worker: the application workflow and its Slack activities, Web API at the fake
    const slack = createSlackActivityDeps({ slack: { botToken: BOT_TOKEN, apiUrl: fake.url }, em: () => stack.orm.em.fork(), temporal: stack.client, logger });
    await stack.startWorker({ slack });

    // the API with Slack configured in HTTP mode
    const settings: SlackSettings = {
      mode: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SECRET,
      appToken: undefined,
      apiUrl: fake.url,
    };
    const authenticator = authenticatorFromConfig({ ...stack.config.auth, jwksUrl: undefined }, stack.devKey);
    const app = createApp({ config: { ...stack.config, slack: settings }, logger, orm: stack.orm, temporal: stack.client, authenticator });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    adminBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    slackUrl = `${adminBase}/slack/events`;

    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.admin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Anjali Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');

    // the agency administrator: the office's channel, two officers mapped directly
    const ch = await adminApi('PUT', '/v1/slack/offices/EIC-MUM/channel', { token: t.admin, body: { channel: CHANNEL } });
    expect(ch.status, JSON.stringify(ch.body)).toBe(200);
    for (const [staff, user] of [
      ['officer-eic-mum', U.priya],
      ['officer-eic-koc', U.thomas],
    ] as const) {
      const r = await adminApi('PUT', `/v1/slack/links/${staff}`, { token: t.admin, body: { slackUserId: user, teamId: TEAM } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  });

  afterAll(async () => {
    if (stack) {
      // the database is shared with the other end-to-end files: leave no channel, link or extra officer behind
      const em = stack.orm.em.fork();
      await em.nativeUpdate(AgencyOfficeRow, { code: 'EIC-MUM' }, { slackChannel: null });
      await em.nativeDelete(SlackUserLink, { staffUserId: { $in: ['officer-eic-mum', 'officer-eic-koc', SUNIL] } });
      await em.nativeDelete(StaffUserRow, { id: SUNIL });
    }
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await stack?.stop();
    await fake?.close();
  });

  it('lets the agency administrator link officers (code flow included), with problem+json for bad requests', async () => {
    const code = await adminApi('POST', '/v1/slack/link-codes', { token: t.admin, body: { staffUserId: SUNIL, slackUserId: U.sunil, ttlMinutes: 30 } });
    expect(code.status, JSON.stringify(code.body)).toBe(201);
    expect(code.body.command).toBe(`/coo link ${code.body.code}`);

    const wrongUser = await send(slashCommand({ teamId: TEAM, userId: U.stranger, command: '/coo', text: `link ${code.body.code}` }));
    expect(wrongUser.status).toBe(200);
    expect((wrongUser.json as { text: string }).text).toContain('issued for another Slack user');
    const linked = await send(slashCommand({ teamId: TEAM, userId: U.sunil, command: '/coo', text: `link ${code.body.code.toLowerCase()}` }));
    expect((linked.json as { text: string }).text).toContain('You act as *Sunil Patil* of office EIC-MUM');
    const reused = await send(slashCommand({ teamId: TEAM, userId: U.sunil, command: '/coo', text: `link ${code.body.code}` }));
    expect((reused.json as { text: string }).text).toContain('unknown or was already used');

    const staff = await adminApi('GET', '/v1/slack/staff?officeCode=EIC-MUM', { token: t.admin });
    expect(staff.status).toBe(200);
    expect(staff.body.staff).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ staffUserId: 'officer-eic-mum', slack: expect.objectContaining({ slackUserId: U.priya, via: 'admin' }) }),
        expect.objectContaining({ staffUserId: SUNIL, slack: expect.objectContaining({ slackUserId: U.sunil, via: 'code', linkedBy: 'admin-eic' }) }),
      ]),
    );

    const byName = await adminApi('PUT', '/v1/slack/offices/EIC-MUM/channel', { token: t.admin, body: { channel: '#coo-mumbai' } });
    expect(byName.status).toBe(422);
    expect(byName.headers.get('content-type')).toContain('application/problem+json');
    expect(byName.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'body/channel', message: expect.stringContaining('channel ID') }] });
    const otherAgency = await adminApi('PUT', '/v1/slack/offices/EIC-MUM/channel', { token: t.mpedaAdmin, body: { channel: 'C0STOLEN' } });
    expect(otherAgency.status).toBe(404);
    expect(otherAgency.body.code).toBe('not_found');
    const forAdmin = await adminApi('POST', '/v1/slack/link-codes', { token: t.admin, body: { staffUserId: 'admin-eic' } });
    expect(forAdmin.status).toBe(422);
    expect(forAdmin.body.detail).toContain('link codes are for officers');
    const unknown = await adminApi('PUT', '/v1/slack/links/nobody', { token: t.admin, body: { slackUserId: 'U0NOBODY' } });
    expect(unknown.status).toBe(404);
    const exporter = await adminApi('GET', '/v1/slack/offices', { token: t.raj });
    expect(exporter.status).toBe(403);
    expect(exporter.body.code).toBe('forbidden');
    expect((await stack.orm.em.fork().findOneOrFail(AgencyOfficeRow, { code: 'EIC-MUM' })).slackChannel).toBe(CHANNEL);
  });

  it('raises a deficiency from the modal, shows every state in the channel message, and approves from a signed button', async () => {
    const app = await inProcess();
    const { ref, message } = await channelMessage(app.number);
    expect(ref.channel).toBe(CHANNEL);
    await until('the message In-Process', () => showing(message(), 'In-Process'));
    expect(message().text).toContain(app.fileNumber);
    expect(textOf(message().blocks)).toContain('RAJ KUMAR EXPORTS PRIVATE LIMITED');
    expect(textOf(message().blocks)).toContain('Commercial invoice (commercial-invoice.pdf)');
    expect(buttons(message())).toEqual(['coo_approve', 'coo_raise_deficiency', 'coo_reject', 'coo_details']);

    // the button opens the modal …
    fake.clearCalls();
    const open = await click(U.priya, 'coo_raise_deficiency', ref, app.number);
    expect(open.status).toBe(200);
    const modal = fake.openedViews.at(-1) as { id: string; callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe('coo_deficiency_modal');

    // … whose submission is the workflow's raiseDeficiency Update
    const remarks = 'Send the cost sheet for item 1 and correct the declaration place to the signatory\'s place.';
    const submission = viewSubmission({
      teamId: TEAM,
      userId: U.priya,
      callbackId: modal.callback_id,
      viewId: modal.id,
      privateMetadata: modal.private_metadata,
      values: { deficiency_remarks: { remarks: textValue(remarks) }, deficiency_documents: { documents: checkboxValues(['cost_sheet']) } },
    });
    const submitted = await send(submission);
    expect(submitted.status).toBe(200);
    const deficient = await waitForStatus(stack, t.raj, app.id, 'Deficient');
    expect(deficient.deficiencies).toHaveLength(1);
    expect(deficient.deficiencies[0]).toMatchObject({ remarks, documentsRequested: ['Cost sheet'], raisedBy: { id: 'officer-eic-mum', name: 'Priya Deshpande', channel: 'slack' } });

    // a redelivered submission (same view) is the same Update: the first outcome, no second round, no refusal
    const again = await send(submission);
    expect(again.status).toBe(200);
    expect((await workflowState(stack, t.raj, app.id)).deficiencies).toHaveLength(1);
    expect(fake.ephemerals.filter((e) => e.user === U.priya)).toEqual([]);

    // the exporter is told
    const mail = await until('the deficiency e-mail', () => stack.orm.em.fork().findOne(NotificationRow, { applicationId: app.id, template: 'deficiency', channel: 'email' }).then((r) => r ?? undefined));
    expect(mail.body).toContain('Send the cost sheet for item 1');
    await until('the message Deficient', () => showing(message(), 'Deficient'));
    expect(textOf(message().blocks)).toContain('Send the cost sheet for item 1');
    expect(buttons(message())).toEqual(['coo_details']);

    // the exporter answers with a signed clarification: back In-Process, the message says so
    const clar = await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, { token: t.raj, body: { kind: 'clarification', clarification: 'Cost sheet attached; the place is now Navi Mumbai.' } });
    expect(clar.status, JSON.stringify(clar.body)).toBe(200);
    const signed = await api(stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', clar.body.contentB64) } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    await waitForStatus(stack, t.raj, app.id, 'In-Process');
    await until('the message back In-Process', () => showing(message(), 'In-Process'));
    expect(textOf(message().blocks)).toContain('the exporter answered deficiency round 1');
    expect(textOf(message().blocks)).toContain('Cost sheet attached');
    expect(buttons(message())).toContain('coo_approve');

    // Approve: a signed button request; the workflow issues the certificate
    const approved = await click(U.priya, 'coo_approve', ref, app.number);
    expect(approved.status).toBe(200);
    const done = await waitForStatus(stack, t.raj, app.id, 'Approved');
    expect(done.certificateNumber).toMatch(/^EIC\/\d{4}\/\d{3}\/\d{7}A$/);
    expect(done.decision).toMatchObject({ kind: 'approve', by: { id: 'officer-eic-mum', channel: 'slack' } });
    expect(await stack.orm.em.fork().count(CertificateRow, { applicationId: app.id })).toBe(1);
    const audit = await stack.orm.em.fork().findOneOrFail(AuditEvent, { subjectId: app.number, action: 'approved' });
    expect(audit.channel).toBe('slack');

    await until('the message Approved', () => showing(message(), 'Approved') && textOf(message().blocks).includes(done.certificateNumber));
    expect(buttons(message())).toEqual(['coo_details']);
    expect(history(message())).toEqual(['In-Process', 'Deficient', 'In-Process', 'Approved Pending Issuance', 'Approved']);
    // one message for the file: every state was an update in place
    expect(fake.messagesIn(CHANNEL).filter((m) => m.threadTs === undefined && m.text?.includes(app.fileNumber))).toHaveLength(1);
  });

  it('shows a request for a duplicate, paid from the e-wallet, with its reason and approves it from a signed button; the duplicate is issued', async () => {
    // Tirupur Textile Company's files at EIC Mumbai: its e-wallet there, and its DSC, are this test's alone (the database is shared by the test files)
    const senthil = await stack.token({ sub: 'AAFCT7781Q-1', name: 'Senthil Murugan', roles: ['exporter'], iec: 'AAFCT7781Q' });
    await registerWithDsc(stack, pki, senthil, 'AAFCT7781Q', 'exporter-senthil');
    const draft = await createCompleteDraft(stack, senthil);
    await submitAndSign(stack, pki, senthil, draft.id, 'exporter-senthil');
    await payAtGateway(stack, senthil, draft.id, 'success');
    await waitForStatus(stack, senthil, draft.id, 'In-Process');
    const priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    const approveApp = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: priya });
    expect(approveApp.status, JSON.stringify(approveApp.body)).toBe(200);
    const issued = await waitForStatus(stack, senthil, draft.id, 'Approved');
    const req = await api(stack, 'POST', '/v1/certificate-requests', { token: senthil, body: { certificateNumber: issued.certificateNumber, kind: 'duplicate', reason: 'The original was damaged by water.' } });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const upload = await fetch(`${stack.baseUrl}/v1/certificate-requests/${req.body.id}/supporting-documents?fileName=affidavit.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${senthil}`, 'content-type': 'application/pdf' },
      body: Buffer.from(await invoicePdf('AFFIDAVIT/2026/7')),
    });
    expect(upload.status).toBe(201);
    await submitAndSign(stack, pki, senthil, req.body.id, 'exporter-senthil');
    await waitForStatus(stack, senthil, req.body.id, 'Pending Payment');
    await stack.orm.em.fork().upsert(WalletRow, { iec: 'AAFCT7781Q', officeCode: 'EIC-MUM', balancePaise: 70_800 });
    const paid = await api(stack, 'POST', `/v1/applications/${req.body.id}/payment`, { token: senthil, body: { method: 'ewallet' } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const inProcessRequest = await waitForStatus(stack, senthil, req.body.id, 'In-Process');

    const { ref, message } = await channelMessage(req.body.number);
    await until('the request In-Process', () => showing(message(), 'In-Process'));
    expect(message().text).toContain(inProcessRequest.fileNumber);
    expect(textOf(message().blocks)).toContain('Duplicate CoO');
    expect(textOf(message().blocks)).toContain(`Duplicate of* certificate ${issued.certificateNumber}`);
    expect(textOf(message().blocks)).toContain('The original was damaged by water.');
    expect(textOf(message().blocks)).toContain('Supporting document (affidavit.pdf)');
    expect(buttons(message())).toEqual(['coo_approve', 'coo_raise_deficiency', 'coo_reject', 'coo_details']);

    const approved = await click(U.priya, 'coo_approve', ref, req.body.number);
    expect(approved.status).toBe(200);
    const done = await waitForStatus(stack, senthil, req.body.id, 'Approved');
    expect(done.certificateNumber).toBe(`${issued.certificateNumber}/00000001`);
    expect(done.decision).toMatchObject({ kind: 'approve', by: { id: 'officer-eic-mum', channel: 'slack' } });
    await until('the request Approved', () => showing(message(), 'Approved') && textOf(message().blocks).includes(done.certificateNumber));
    expect(buttons(message())).toEqual(['coo_details']);
    const audit = await stack.orm.em.fork().findOneOrFail(AuditEvent, { subjectId: req.body.number, action: 'approved' });
    expect(audit).toMatchObject({ channel: 'slack', subjectType: 'certificate-request' });
  });

  it('shows the officer only the files of the signed response: an unsigned attempt and unused uploads stay with the exporter', async () => {
    const app = await inProcess();
    const { message } = await channelMessage(app.number);
    const priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    const d = await api(stack, 'POST', `/v1/applications/${app.id}/decisions/deficiency`, { token: priya, body: { remarks: 'Send the cost sheet for item 1.', documentsRequested: ['cost_sheet'] } });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    await waitForStatus(stack, t.raj, app.id, 'Deficient');

    const upload = async (fileName: string, text: string): Promise<string> => {
      const r = await fetch(`${stack.baseUrl}/v1/applications/${app.id}/deficiency-response/attachments?fileName=${encodeURIComponent(fileName)}&documentType=cost_sheet`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.raj}`, 'content-type': 'application/pdf' },
        body: tinyPdf(text),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      return ((await r.json()) as { id: string }).id;
    };
    const draftSheet = await upload('draft-cost-sheet.pdf', 'first draft');
    const finalSheet = await upload('final-cost-sheet.pdf', 'final');

    // an attempt prepared with the draft, never signed; then the response signed with the final sheet only
    const attempt = await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, { token: t.raj, body: { kind: 'clarification', clarification: 'Draft cost sheet.', attachmentIds: [draftSheet] } });
    expect(attempt.status, JSON.stringify(attempt.body)).toBe(200);
    const officerWhileWaiting = await api(stack, 'GET', `/v1/applications/${app.id}/workflow`, { token: priya });
    expect(officerWhileWaiting.status).toBe(200);
    expect(officerWhileWaiting.body.signing).toBeUndefined(); // the unsigned attempt is not the officer's to read
    expect((await api(stack, 'GET', `/v1/applications/${app.id}/attachments`, { token: priya })).body.items.filter((a: { purpose: string }) => a.purpose === 'deficiency-response')).toEqual([]);
    const clar = await api(stack, 'POST', `/v1/applications/${app.id}/deficiency-response`, { token: t.raj, body: { kind: 'clarification', clarification: 'Final cost sheet attached.', attachmentIds: [finalSheet] } });
    expect(clar.status, JSON.stringify(clar.body)).toBe(200);
    const signed = await api(stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', clar.body.contentB64) } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const back = await waitForStatus(stack, t.raj, app.id, 'In-Process');
    expect(back.deficiencies[0].response.attachmentIds).toEqual([finalSheet]);

    // the officer's lists: the signed file only; the other one is not there, not even by its id
    const responseFiles = (items: { purpose: string; fileName: string; submitted: boolean }[]) =>
      items.filter((a) => a.purpose === 'deficiency-response').map((a) => [a.fileName, a.submitted]);
    const officerList = await api(stack, 'GET', `/v1/applications/${app.id}/attachments`, { token: priya });
    expect(officerList.status).toBe(200);
    expect(responseFiles(officerList.body.items)).toEqual([['final-cost-sheet.pdf', true]]);
    expect(responseFiles((await api(stack, 'GET', `/v1/applications/${app.id}`, { token: priya })).body.attachments)).toEqual([['final-cost-sheet.pdf', true]]);
    expect((await api(stack, 'GET', `/v1/applications/${app.id}/attachments/${draftSheet}`, { token: priya })).status).toBe(404);
    expect((await api(stack, 'GET', `/v1/applications/${app.id}/attachments/${finalSheet}`, { token: priya })).status).toBe(200);
    // the agency administrator sees what the officer sees
    expect(responseFiles((await api(stack, 'GET', `/v1/applications/${app.id}/attachments`, { token: t.admin })).body.items)).toEqual([['final-cost-sheet.pdf', true]]);
    // the exporter keeps both, the unused one marked not submitted
    expect(responseFiles((await api(stack, 'GET', `/v1/applications/${app.id}/attachments`, { token: t.raj })).body.items)).toEqual([
      ['draft-cost-sheet.pdf', false],
      ['final-cost-sheet.pdf', true],
    ]);

    // the officer's Slack message: the signed file, never the other
    await until('the message back In-Process', () => showing(message(), 'In-Process'));
    expect(textOf(message().blocks)).toContain('Deficiency response, round 1 (final-cost-sheet.pdf)');
    expect(textOf(message().blocks)).not.toContain('draft-cost-sheet.pdf');
  });

  it('rejects from the modal with the reason; the message shows Rejected', async () => {
    const app = await inProcess();
    const { ref, message } = await channelMessage(app.number);
    fake.clearCalls();
    await click(U.sunil, 'coo_reject', ref, app.number);
    const modal = fake.openedViews.at(-1) as { id: string; callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe('coo_reject_modal');
    const tooShort = await send(viewSubmission({ teamId: TEAM, userId: U.sunil, callbackId: modal.callback_id, viewId: modal.id, privateMetadata: modal.private_metadata, values: { rejection_reason: { reason: textValue('no') } } }));
    expect(tooShort.json).toMatchObject({ response_action: 'errors', errors: { rejection_reason: expect.stringContaining('at least') } });
    expect((await workflowState(stack, t.raj, app.id)).status).toBe('In-Process');

    const reason = 'The goods do not meet the origin criterion declared for item 2.';
    const r = await send(viewSubmission({ teamId: TEAM, userId: U.sunil, callbackId: modal.callback_id, viewId: modal.id, privateMetadata: modal.private_metadata, values: { rejection_reason: { reason: textValue(reason) } } }));
    expect(r.status).toBe(200);
    const s = await waitForStatus(stack, t.raj, app.id, 'Rejected');
    expect(s.rejectionReason).toBe(reason);
    expect(s.decision).toMatchObject({ kind: 'reject', by: { id: SUNIL, name: 'Sunil Patil', channel: 'slack' } });
    await until('the message Rejected', () => showing(message(), 'Rejected'));
    expect(textOf(message().blocks)).toContain(reason);
    expect(textOf(message().blocks)).toContain('Sunil Patil');
    expect(buttons(message())).toEqual(['coo_details']);
    expect(history(message())).toEqual(['In-Process', 'Rejected']);
  });

  it('refuses an unlinked Slack user, an officer of another office and a forged request; nothing changes', async () => {
    const app = await inProcess();
    waiting = app;
    const { ref } = await channelMessage(app.number);
    fake.clearCalls();

    const stranger = await click(U.stranger, 'coo_approve', ref, app.number);
    expect(stranger.status).toBe(200);
    expect(fake.ephemerals).toEqual([expect.objectContaining({ channel: CHANNEL, user: U.stranger, text: expect.stringContaining('not linked to an officer') })]);

    const kochi = await click(U.thomas, 'coo_approve', ref, app.number);
    expect(kochi.status).toBe(200);
    expect(fake.ephemerals.at(-1)).toMatchObject({ user: U.thomas, text: expect.stringContaining('Only officers of EIC - Mumbai') });

    const forged = await sendSigned(slackUrl, SECRET, blockActions({ teamId: TEAM, userId: U.priya, actionId: 'coo_approve', value: app.number, channel: ref.channel, messageTs: ref.ts }), { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const expired = await sendSigned(slackUrl, SECRET, blockActions({ teamId: TEAM, userId: U.priya, actionId: 'coo_approve', value: app.number, channel: ref.channel, messageTs: ref.ts }), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(expired.status).toBe(401);

    const s = await workflowState(stack, t.raj, app.id);
    expect(s.status).toBe('In-Process');
    expect(s.decision).toBeUndefined();
    const { events } = await stack.client.workflow.getHandle(applicationWorkflowId(app.number)).fetchHistory();
    const decisions = (events ?? []).filter((e) => ['approve', 'raiseDeficiency', 'reject'].includes(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? ''));
    expect(decisions).toEqual([]);
    expect(fake.callsTo('chat.update').filter((c) => c.args.ts === ref.ts)).toEqual([]);
  });

  it("shows the office's queue in App Home and looks a file up with /coo", async () => {
    const app = waiting!;
    const home = await send(eventCallback(TEAM, appHomeOpenedEvent(U.priya)));
    expect(home.status).toBe(200);
    const view = await until('the Home tab', () => fake.homeViews.get(U.priya));
    const queued = await stack.orm.em.fork().count(ApplicationRow, { officeCode: 'EIC-MUM', status: 'In-Process' });
    expect(textOf(view)).toContain('Pending queue: EIC - Mumbai (Regional Office)');
    expect(textOf(view)).toContain(queued === 1 ? '*1* file waits' : `*${queued}* files wait`);
    expect(textOf(view)).toContain(app.fileNumber);

    const lookup = await send(slashCommand({ teamId: TEAM, userId: U.priya, command: '/coo', text: app.fileNumber }));
    expect(lookup.status).toBe(200);
    const reply = lookup.json as { response_type: string; text: string; blocks: unknown[] };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe(`CoO ${app.fileNumber} from RAJ KUMAR EXPORTS PRIVATE LIMITED: In-Process`);
    expect(textOf(reply.blocks)).toContain('"action_id":"coo_details"');
    expect(textOf(reply.blocks)).not.toContain('coo_approve');
    const strangerLookup = await send(slashCommand({ teamId: TEAM, userId: U.stranger, command: '/coo', text: app.fileNumber }));
    expect((strangerLookup.json as { text: string }).text).toContain('not linked to an officer');
  });

  it('two officers approving at once give one decision; the other is told who decided', async () => {
    const app = await inProcess();
    const { ref, message } = await channelMessage(app.number);
    fake.clearCalls();
    const [a, b] = await Promise.all([click(U.priya, 'coo_approve', ref, app.number), click(U.sunil, 'coo_approve', ref, app.number)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const done = await waitForStatus(stack, t.raj, app.id, 'Approved');
    const winner = done.decision.by.name as string;
    const loser = winner === 'Priya Deshpande' ? U.sunil : U.priya;
    expect(['Priya Deshpande', 'Sunil Patil']).toContain(winner);
    expect(fake.ephemerals).toEqual([expect.objectContaining({ user: loser, text: `${winner} already approved ${app.fileNumber}, so your action was not recorded.` })]);
    expect(await stack.orm.em.fork().count(CertificateRow, { applicationId: app.id })).toBe(1);
    expect(await stack.orm.em.fork().count(AuditEvent, { subjectId: app.number, action: 'approved' })).toBe(1);
    await until('the message Approved', () => showing(message(), 'Approved'));
    expect(textOf(message().blocks)).toContain(`approved by ${winner}`);
  });

  it('posts a message Slack missed on the retried refresh, reminds about a file waiting too long in its thread, then escalates to the administrator, each once', async () => {
    // Slack fails the first post: the workflow goes on; its refresh activity posts the message on a retry
    fake.failNext('chat.postMessage', 'service_unavailable');
    const before = stack.config.timings;
    stack.config.timings = { ...before, reviewReminders: ['2 seconds'], reviewEscalation: '4 seconds' };
    let app: Awaited<ReturnType<typeof inProcess>>;
    try {
      app = await inProcess();
    } finally {
      stack.config.timings = before;
    }
    const { ref, message } = await channelMessage(app.number);
    expect(showing(message(), 'In-Process')).toBe(true);
    const shown = await until('the message recorded with its version', async () => {
      const row = await stack.orm.em.fork().findOne(SlackMessage, { applicationNumber: app.number });
      return row && row.renderedVersion > 0 ? row : undefined;
    });
    expect(shown.renderedStatus).toBe('In-Process');

    const inThread = () => fake.messagesIn(CHANNEL).filter((m) => m.threadTs === ref.ts);
    const reminder = await until('the reminder in the thread', () => inThread().find((m) => m.text?.includes('has waited')));
    expect(reminder.text).toContain(app.fileNumber);
    expect(reminder.text).toContain('Officers of EIC - Mumbai');

    const dm = await until('the escalation to the administrator', () => [...fake.messages.values()].find((m) => m.channel !== CHANNEL && m.text?.includes('Escalation') && m.text.includes(app.fileNumber)));
    expect(fake.callsTo('users.lookupByEmail').map((c) => c.args.email)).toContain('rakesh.gupta@eicindia.example');
    expect(fake.callsTo('conversations.open').map((c) => c.args.users)).toContain(U.rakesh);
    expect(dm.text).toContain('despite a reminder');
    expect(dm.text).toContain(`https://fake.slack.test/archives/${CHANNEL}/p${ref.ts.replace('.', '')}`);
    await until('the escalation noted in the thread', () => inThread().find((m) => m.text?.includes(`Escalated to <@${U.rakesh}>`)));

    // e-mail too: the officers reminded, the administrator told
    const mails = await stack.orm.em.fork().find(NotificationRow, { applicationId: app.id, template: { $like: 'officer-review-%' }, channel: 'email' }, { orderBy: { id: 'asc' } });
    expect(mails.map((m) => [m.template, m.recipient])).toEqual(
      expect.arrayContaining([
        ['officer-review-reminder', 'priya.deshpande@eicindia.example'],
        ['officer-review-escalation', 'rakesh.gupta@eicindia.example'],
      ]),
    );

    // a decision ends the wait; the reminder and the escalation went once each
    await click(U.priya, 'coo_approve', ref, app.number);
    await waitForStatus(stack, t.raj, app.id, 'Approved');
    await until('the message Approved', () => showing(message(), 'Approved'));
    expect(inThread().filter((m) => m.text?.includes('has waited'))).toHaveLength(1);
    expect([...fake.messages.values()].filter((m) => m.text?.includes('Escalation') && m.text.includes(app.fileNumber))).toHaveLength(1);
  });
});
