import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { ActionId } from '../../channels/slack/ids.js';
import { RegistrationActionId, REGISTRATION_REASON_ACTION, REGISTRATION_REASON_BLOCK, REGISTRATION_REJECT_CALLBACK } from '../../channels/slack/staff-registrations.js';
import { AgencyOfficeRow, ApplicationRow, AuditEvent, NotificationRow, SlackUserLink, StaffRegistrationRow, StaffUserRow } from '../../db/entities/index.js';
import { createLogger } from '../../lib/logger.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { FakeSlack } from '../helpers/slack-fake.js';
import { blockActions, sendSigned, textValue, viewSubmission } from '../helpers/slack-sign.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// Issue 12, the users half: an agency's administrator registers (with the authorisation letter) and is approved
// by the platform administrator; an officer registers, is approved by that administrator, mapped to an office,
// decides a file there; deactivated, their decisions are refused in the API and in Slack.
const TEAM = 'T0USERSE2E';
const SECRET = 'e2e-agency-users-signing-secret';
const BOT_TOKEN = 'xoxb-e2e-agency-users';
const MEENA = { sub: 'eic-admin-meena', name: 'Meena Rao', roles: ['agency-admin' as const], agencyCode: 'EIC' };
// the identity provider's token still says EIC-KOC after the administrator maps Anil to EIC-MUM: the staff row wins
const ANIL = { sub: 'eic-officer-anil', name: 'Anil Kumar', roles: ['officer' as const], officeCode: 'EIC-KOC', agencyCode: 'EIC' };
const ANIL_SLACK = 'U0ANILKUMAR';
// the officers' registrations posted in EIC Kochi's channel, decided there by Meena
const KOC_CHANNEL = 'C0EICKOCREG';
const MEENA_SLACK = 'U0MEENARAO';
const KOC_OFFICER_SLACK = 'U0KOCOFFICER';

describe('administrators and officers of an agency: registration, approval, mapping, deactivation', () => {
  let stack: Stack;
  let pki: TestPki;
  let fake: FakeSlack;
  let server: Server;
  let base: string;
  const t = {} as Record<'raj' | 'platform' | 'eicAdmin' | 'mpedaAdmin' | 'meena' | 'anil' | 'stranger', string>;
  const call = (method: string, url: string, opts: { token?: string; body?: unknown } = {}) => api({ ...stack, baseUrl: base }, method, url, opts);
  const letter = async () => ({ fileName: 'authorisation-letter.pdf', contentB64: Buffer.from(await invoicePdf('EIC/AUTH/2026/01')).toString('base64') });

  async function inProcess(): Promise<{ id: string; number: string }> {
    const draft = await createCompleteDraft(stack, t.raj);
    await submitAndSign(stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, t.raj, draft.id, 'success');
    await waitForStatus(stack, t.raj, draft.id, 'In-Process');
    return { id: draft.id, number: draft.number };
  }

  beforeAll(async () => {
    stack = await startStack({ name: 'agency-users' });
    pki = await testPki(stack);
    await stack.startWorker();
    fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', service: 'test:agency-users' });
    const authenticator = authenticatorFromConfig({ ...stack.config.auth, jwksUrl: undefined }, stack.devKey);
    const app = createApp({ config: { ...stack.config, slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SECRET, appToken: undefined, apiUrl: fake.url } }, logger, orm: stack.orm, temporal: stack.client, authenticator });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t.raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    t.platform = await stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    t.eicAdmin = await stack.token({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    t.mpedaAdmin = await stack.token({ sub: 'admin-mpeda', name: 'Lakshmi Nair', roles: ['agency-admin'], agencyCode: 'MPEDA' });
    t.meena = await stack.token(MEENA);
    t.anil = await stack.token(ANIL);
    t.stranger = await stack.token({ sub: 'eic-officer-ghost', name: 'Ghost Officer', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  });
  afterAll(async () => {
    if (stack) {
      // the database is shared with the other end-to-end files: no channel or link of this file stays behind
      const em = stack.orm.em.fork();
      await em.nativeUpdate(AgencyOfficeRow, { code: 'EIC-KOC' }, { slackChannel: null });
      await em.nativeDelete(SlackUserLink, { slackUserId: { $in: [MEENA_SLACK, KOC_OFFICER_SLACK, ANIL_SLACK] } });
    }
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await fake?.close();
    await stack?.stop();
  });

  it("registers an administrator with the letter and an official e-mail; only the platform administrator decides; approved, they manage their agency", async () => {
    const bad = await call('POST', '/v1/staff-registrations', {
      token: t.meena,
      body: { kind: 'administrator', agencyCode: 'EIC', name: MEENA.name, email: 'meena.rao@gmail.example', designation: 'Deputy Director', letter: { fileName: 'letter.pdf', contentB64: Buffer.from('just some text, not a PDF').toString('base64') } },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body/email', 'body/letter']);
    expect(bad.body.errors.find((e: { path: string }) => e.path === 'body/email').message).toContain('@eicindia.example');
    const noLetter = await call('POST', '/v1/staff-registrations', { token: t.meena, body: { kind: 'administrator', agencyCode: 'EIC', name: MEENA.name, email: 'meena.rao@eicindia.example', designation: 'Deputy Director' } });
    expect(noLetter.status).toBe(422);
    expect(noLetter.body.errors[0]).toMatchObject({ path: 'body/letter' });

    const req = await call('POST', '/v1/staff-registrations', {
      token: t.meena,
      body: { kind: 'administrator', agencyCode: 'EIC', name: MEENA.name, email: 'meena.rao@eicindia.example', designation: 'Deputy Director', letter: await letter() },
    });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    expect(req.body).toMatchObject({ kind: 'administrator', status: 'pending', requestedBy: MEENA.sub, letter: { contentType: 'application/pdf' } });
    const again = await call('POST', '/v1/staff-registrations', { token: t.meena, body: { kind: 'administrator', agencyCode: 'EIC', name: MEENA.name, email: 'meena.rao@eicindia.example', designation: 'Deputy Director', letter: await letter() } });
    expect(again.status).toBe(409);

    // an agency's administrator neither sees nor decides a request to become an administrator
    const eicList = await call('GET', '/v1/staff-registrations?status=pending', { token: t.eicAdmin });
    expect(eicList.status).toBe(200);
    expect(eicList.body.items.map((r: { id: string }) => r.id)).not.toContain(req.body.id);
    const byEic = await call('POST', `/v1/staff-registrations/${req.body.id}/approve`, { token: t.eicAdmin });
    expect(byEic.status).toBe(403);
    expect(byEic.body.detail).toContain('platform administrator');

    const list = await call('GET', '/v1/staff-registrations?status=pending', { token: t.platform });
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(req.body.id);
    const ok = await call('POST', `/v1/staff-registrations/${req.body.id}/approve`, { token: t.platform });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', decidedBy: 'platform-admin (Sanjay Verma)' });
    const twice = await call('POST', `/v1/staff-registrations/${req.body.id}/reject`, { token: t.platform, body: { reason: 'changed my mind' } });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain('already approved by platform-admin (Sanjay Verma)');

    const em = stack.orm.em.fork();
    expect(await em.findOneOrFail(StaffUserRow, { id: MEENA.sub })).toMatchObject({ role: 'agency-admin', agencyCode: 'EIC', active: true, email: 'meena.rao@eicindia.example' });
    const mail = await em.findOneOrFail(NotificationRow, { notificationKey: `staff-registration/${req.body.id}/approved` });
    expect(mail).toMatchObject({ channel: 'email', recipient: 'meena.rao@eicindia.example', template: 'staff-registration-approved' });
    expect(mail.body).toContain('approved by Sanjay Verma');
    const audit = await em.find(AuditEvent, { subjectId: { $in: [req.body.id, MEENA.sub] } }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['staff-registration.requested', 'staff-registration.approved', 'staff.registered']);

    // the new administrator manages EIC (and only EIC)
    expect((await call('GET', '/v1/agencies/EIC/offices', { token: t.meena })).status).toBe(200);
    expect((await call('GET', '/v1/agencies/EIC/staff', { token: t.meena })).status).toBe(200);
    expect((await call('GET', '/v1/agencies/MPEDA/staff', { token: t.meena })).status).toBe(403);
  });

  it('rejects a registration with the reason the applicant reads', async () => {
    const ghost = await call('POST', '/v1/staff-registrations', { token: t.stranger, body: { kind: 'officer', agencyCode: 'EIC', officeCode: 'EIC-MUM', name: 'Ghost Officer', email: 'ghost@eicindia.example', designation: 'Inspector' } });
    expect(ghost.status, JSON.stringify(ghost.body)).toBe(201);
    const no = await call('POST', `/v1/staff-registrations/${ghost.body.id}/reject`, { token: t.meena, body: { reason: 'No officer of this name works at EIC Mumbai.' } });
    expect(no.status, JSON.stringify(no.body)).toBe(200);
    expect(no.body).toMatchObject({ status: 'rejected', reason: 'No officer of this name works at EIC Mumbai.' });
    const mail = await stack.orm.em.fork().findOneOrFail(NotificationRow, { notificationKey: `staff-registration/${ghost.body.id}/rejected` });
    expect(mail.body).toContain('Reason: No officer of this name works at EIC Mumbai.');
    // not a staff user: an officer's decision is refused
    const file = await stack.orm.em.fork().findOne(ApplicationRow, { officeCode: 'EIC-MUM', status: 'In-Process' });
    const refused = await call('POST', `/v1/applications/${file?.id ?? 'none'}/decisions/approve`, { token: t.stranger, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('account_not_registered');
  });

  it("posts an officer's registration in the office's Slack channel: the agency's administrator approves, or rejects with a reason, from it; anyone else is refused", async () => {
    const slack = (userId: string, actionId: string, value: string, ref?: { channel: string; ts: string }) =>
      sendSigned(`${base}/slack/events`, SECRET, blockActions({ teamId: TEAM, userId, actionId, value, channel: ref?.channel ?? KOC_CHANNEL, ...(ref ? { messageTs: ref.ts } : {}) }));
    const toldTo = (user: string) => fake.ephemerals.filter((e) => e.user === user).map((e) => e.text ?? '');
    const messageOf = async (id: string) => {
      const row = await stack.orm.em.fork().findOneOrFail(StaffRegistrationRow, { id });
      expect(row.slackChannel).toBe(KOC_CHANNEL);
      return { ref: { channel: row.slackChannel!, ts: row.slackTs! }, message: () => fake.message(row.slackChannel!, row.slackTs!)! };
    };
    const buttonsOf = (blocks: unknown) => [...JSON.stringify(blocks ?? []).matchAll(/"action_id":"(coo_[a-z_]+)"/g)].map((x) => x[1]);

    // EIC Kochi's channel; Meena's Slack account and an officer's of the office linked
    expect((await call('PUT', '/v1/slack/offices/EIC-KOC/channel', { token: t.meena, body: { channel: KOC_CHANNEL } })).status).toBe(200);
    for (const [staff, user] of [[MEENA.sub, MEENA_SLACK], ['officer-eic-koc', KOC_OFFICER_SLACK]] as const) {
      const linked = await call('PUT', `/v1/slack/links/${staff}`, { token: t.meena, body: { slackUserId: user, teamId: TEAM } });
      expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    }

    const kavita = await stack.token({ sub: 'eic-officer-kavita', name: 'Kavita Iyer', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
    const req = await call('POST', '/v1/staff-registrations', { token: kavita, body: { kind: 'officer', agencyCode: 'EIC', officeCode: 'EIC-KOC', name: 'Kavita Iyer', email: 'kavita.iyer@eicindia.example', designation: 'Inspector' } });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const first = await messageOf(req.body.id);
    expect(first.message().text).toBe('Officer registration of Kavita Iyer for EIC-KOC: waiting for an administrator');
    expect(buttonsOf(first.message().blocks)).toEqual([RegistrationActionId.approve, RegistrationActionId.reject]);

    // an officer of the office, and a Slack user linked to nobody: told privately, nothing changes
    expect((await slack(KOC_OFFICER_SLACK, RegistrationActionId.approve, req.body.id, first.ref)).status).toBe(200);
    expect(toldTo(KOC_OFFICER_SLACK).at(-1)).toMatch(/^Only an administrator of the agency decides officers' registrations; your Slack account is linked to .* \(officer-eic-koc\), an officer of EIC-KOC\.$/);
    expect((await slack('U0NOBODY', RegistrationActionId.reject, req.body.id, first.ref)).status).toBe(200);
    expect(toldTo('U0NOBODY').at(-1)).toContain('your Slack account is not linked to one');
    expect(fake.openedViews).toEqual([]);
    expect((await stack.orm.em.fork().findOneOrFail(StaffRegistrationRow, { id: req.body.id })).status).toBe('pending');

    // Meena approves from Slack: the same decision as the API's, audited as taken in Slack; the message loses its buttons
    expect((await slack(MEENA_SLACK, RegistrationActionId.approve, req.body.id, first.ref)).status).toBe(200);
    const em = stack.orm.em.fork();
    expect(await em.findOneOrFail(StaffUserRow, { id: 'eic-officer-kavita' })).toMatchObject({ role: 'officer', officeCode: 'EIC-KOC', active: true });
    expect(await em.findOneOrFail(StaffRegistrationRow, { id: req.body.id })).toMatchObject({ status: 'approved', decidedBy: 'eic-admin-meena (Meena Rao)' });
    const audit = await em.find(AuditEvent, { subjectId: { $in: [req.body.id, 'eic-officer-kavita'] } }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.channel, a.actor])).toEqual([
      ['staff-registration.requested', 'api', 'eic-officer-kavita (Kavita Iyer)'],
      ['staff-registration.approved', 'slack', 'eic-admin-meena (Meena Rao)'],
      ['staff.registered', 'slack', 'eic-admin-meena (Meena Rao)'],
    ]);
    expect((await em.findOneOrFail(NotificationRow, { notificationKey: `staff-registration/${req.body.id}/approved` })).body).toContain('approved by Meena Rao');
    expect(first.message().text).toBe('Officer registration of Kavita Iyer for EIC-KOC: approved');
    expect(buttonsOf(first.message().blocks)).toEqual([]);
    expect(JSON.stringify(first.message().blocks)).toContain('Approved by Meena Rao on');

    // a second click answers what happened, by whom and when
    expect((await slack(MEENA_SLACK, RegistrationActionId.approve, req.body.id, first.ref)).status).toBe(200);
    expect(toldTo(MEENA_SLACK).at(-1)).toMatch(/^Kavita Iyer's registration was already approved by Meena Rao on \d{1,2} \w{3} \d{4}, \d{2}:\d{2} IST; nothing was changed\.$/);

    // rejected from Slack: the modal asks for the reason the applicant reads
    const vikram = await stack.token({ sub: 'eic-officer-vikram', name: 'Vikram Shetty', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
    const second = await call('POST', '/v1/staff-registrations', { token: vikram, body: { kind: 'officer', agencyCode: 'EIC', officeCode: 'EIC-KOC', name: 'Vikram Shetty', email: 'vikram.shetty@eicindia.example', designation: 'Inspector' } });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const other = await messageOf(second.body.id);
    expect((await slack(MEENA_SLACK, RegistrationActionId.reject, second.body.id, other.ref)).status).toBe(200);
    const modal = fake.openedViews.at(-1) as { id: string; callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe(REGISTRATION_REJECT_CALLBACK);
    const reason = 'No officer of this name is posted at EIC Kochi.';
    const submit = (text: string) =>
      sendSigned(`${base}/slack/events`, SECRET, viewSubmission({ teamId: TEAM, userId: MEENA_SLACK, callbackId: modal.callback_id, viewId: modal.id, privateMetadata: modal.private_metadata, values: { [REGISTRATION_REASON_BLOCK]: { [REGISTRATION_REASON_ACTION]: textValue(text) } } }));
    const empty = await submit('   ');
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.text)).toMatchObject({ response_action: 'errors', errors: { [REGISTRATION_REASON_BLOCK]: expect.stringContaining('Give the reason') } });
    expect((await submit(reason)).status).toBe(200);
    expect(await stack.orm.em.fork().findOneOrFail(StaffRegistrationRow, { id: second.body.id })).toMatchObject({ status: 'rejected', reason, decidedBy: 'eic-admin-meena (Meena Rao)' });
    expect(await stack.orm.em.fork().findOne(StaffUserRow, { id: 'eic-officer-vikram' })).toBeNull();
    const rejected = await stack.orm.em.fork().findOneOrFail(AuditEvent, { subjectId: second.body.id, action: 'staff-registration.rejected' });
    expect(rejected).toMatchObject({ channel: 'slack', actor: 'eic-admin-meena (Meena Rao)', details: { reason } });
    expect((await stack.orm.em.fork().findOneOrFail(NotificationRow, { notificationKey: `staff-registration/${second.body.id}/rejected` })).body).toContain(`Reason: ${reason}`);
    expect(other.message().text).toBe('Officer registration of Vikram Shetty for EIC-KOC: rejected');
    expect(buttonsOf(other.message().blocks)).toEqual([]);
    expect(JSON.stringify(other.message().blocks)).toContain(reason);
  });

  it('registers an officer, approved by the agency administrator, mapped to another office, deciding a file there; deactivated, refused in the API and in Slack', { timeout: 120_000 }, async () => {
    const wrongOffice = await call('POST', '/v1/staff-registrations', { token: t.anil, body: { kind: 'officer', agencyCode: 'EIC', officeCode: 'MPEDA-KOC', name: ANIL.name, email: 'anil.kumar@eicindia.example', designation: 'Assistant Director' } });
    expect(wrongOffice.status).toBe(422);
    expect(wrongOffice.body.errors[0]).toMatchObject({ path: 'body/officeCode' });
    const req = await call('POST', '/v1/staff-registrations', { token: t.anil, body: { kind: 'officer', agencyCode: 'EIC', officeCode: 'EIC-KOC', name: ANIL.name, email: 'anil.kumar@eicindia.example', designation: 'Assistant Director' } });
    expect(req.status, JSON.stringify(req.body)).toBe(201);

    // it lands with EIC's administrators, not MPEDA's
    const pending = await call('GET', '/v1/staff-registrations?status=pending', { token: t.meena });
    expect(pending.body.items).toEqual([expect.objectContaining({ id: req.body.id, kind: 'officer', officeCode: 'EIC-KOC' })]);
    expect((await call('GET', '/v1/staff-registrations?status=pending', { token: t.mpedaAdmin })).body.items).toEqual([]);
    expect((await call('POST', `/v1/staff-registrations/${req.body.id}/approve`, { token: t.mpedaAdmin })).status).toBe(403);
    const ok = await call('POST', `/v1/staff-registrations/${req.body.id}/approve`, { token: t.meena });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await stack.orm.em.fork().findOneOrFail(StaffUserRow, { id: ANIL.sub })).toMatchObject({ role: 'officer', officeCode: 'EIC-KOC', active: true });
    // posted in EIC Kochi's channel (the test before set it), decided through the API: the message shows it, a late click says so
    const posted = await stack.orm.em.fork().findOneOrFail(StaffRegistrationRow, { id: req.body.id });
    const message = fake.message(posted.slackChannel ?? '', posted.slackTs ?? '');
    expect(message?.text).toBe('Officer registration of Anil Kumar for EIC-KOC: approved');
    const late = await sendSigned(`${base}/slack/events`, SECRET, blockActions({ teamId: TEAM, userId: MEENA_SLACK, actionId: RegistrationActionId.reject, value: req.body.id, channel: KOC_CHANNEL, messageTs: posted.slackTs! }));
    expect(late.status).toBe(200);
    expect(fake.ephemerals.at(-1)?.text).toMatch(/^Anil Kumar's registration was already approved by Meena Rao on /);

    // mapped to EIC Mumbai (an office of EIC only)
    expect((await call('PATCH', `/v1/staff/${ANIL.sub}`, { token: t.meena, body: { officeCode: 'MPEDA-KOC' } })).status).toBe(422);
    expect((await call('PATCH', `/v1/staff/${ANIL.sub}`, { token: t.mpedaAdmin, body: { officeCode: 'EIC-MUM' } })).status).toBe(403);
    const mapped = await call('PATCH', `/v1/staff/${ANIL.sub}`, { token: t.meena, body: { officeCode: 'EIC-MUM' } });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    expect(mapped.body).toMatchObject({ officeCode: 'EIC-MUM', active: true });

    // he decides a file of EIC Mumbai with his token (still saying EIC-KOC): the staff row's office counts
    const [first, second] = [await inProcess(), await inProcess()];
    const approved = await call('POST', `/v1/applications/${first.id}/decisions/approve`, { token: t.anil, body: {} });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.decision).toMatchObject({ kind: 'approve', by: expect.objectContaining({ id: ANIL.sub, name: 'Anil Kumar', channel: 'api' }) });

    // deactivated: refused in the API ...
    const off = await call('PATCH', `/v1/staff/${ANIL.sub}`, { token: t.meena, body: { active: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.active).toBe(false);
    const refused = await call('POST', `/v1/applications/${second.id}/decisions/approve`, { token: t.anil, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('account_deactivated');
    expect(refused.body.detail).toMatch(/^Your officer account is deactivated: Anil Kumar \(eic-officer-anil\) was deactivated by eic-admin-meena \(Meena Rao\) on /);
    const rejectRefused = await call('POST', `/v1/applications/${second.id}/decisions/reject`, { token: t.anil, body: { reason: 'x' } });
    expect(rejectRefused.status).toBe(403);

    // ... and in Slack (his Slack user linked to him)
    const em = stack.orm.em.fork();
    em.create(SlackUserLink, { slackUserId: ANIL_SLACK, teamId: TEAM, staffUserId: ANIL.sub, via: 'admin', linkedBy: 'agency-users test', createdAt: new Date() });
    await em.flush();
    fake.clearCalls();
    const click = await sendSigned(`${base}/slack/events`, SECRET, blockActions({ teamId: TEAM, userId: ANIL_SLACK, actionId: ActionId.approve, value: second.number, channel: 'C0EICMUM99' }));
    expect(click.status).toBe(200);
    const told = [...fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === ANIL_SLACK), ...fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ANIL_SLACK)];
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0]!.args)).toContain('Your officer account is deactivated: Anil Kumar');
    expect(fake.callsTo('views.open')).toEqual([]);
    expect((await stack.orm.em.fork().findOneOrFail(ApplicationRow, { id: second.id })).status).toBe('In-Process');

    // every change audited, with before and after
    const audit = await stack.orm.em.fork().find(AuditEvent, { subjectType: 'user', subjectId: ANIL.sub }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.details?.before, a.details?.after])).toEqual([
      ['staff.registered', null, expect.objectContaining({ role: 'officer', officeCode: 'EIC-KOC', active: true })],
      ['staff.mapped', { officeCode: 'EIC-KOC' }, { officeCode: 'EIC-MUM' }],
      ['staff.deactivated', { active: true }, { active: false }],
    ]);
    expect(audit.every((a) => a.actor === 'eic-admin-meena (Meena Rao)')).toBe(true);

    // activated again, he decides again
    expect((await call('PATCH', `/v1/staff/${ANIL.sub}`, { token: t.meena, body: { active: true } })).status).toBe(200);
    const back = await call('POST', `/v1/applications/${second.id}/decisions/reject`, { token: t.anil, body: { reason: 'The invoice does not match the goods.' } });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
  });
});
