/**
 * An officer who does nothing, with Slack unconfigured: the application workflow's own timers remind the
 * office's officers by e-mail and then tell the agency's administrator, for the review of a file and for
 * the officer's signature on its certificate. The mail goes through real SMTP into real mailboxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyOfficeRow, NotificationRow } from '../../db/entities/index.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { api } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { startMailStack, type MailStack } from './helpdesk-harness.js';

const PRIYA = 'priya.deshpande@eicindia.example'; // the only officer of EIC Mumbai
const RAKESH = 'rakesh.gupta@eicindia.example'; // EIC's administrator
const OFFICE = 'EIC - Mumbai (Regional Office)';

let ms: MailStack;
let pki: TestPki;
const t = {} as Record<'raj' | 'priya', string>;

beforeAll(async () => {
  ms = await startMailStack({ name: 'officer-deadlines', users: [{ address: PRIYA, password: 'priya-pw' }, { address: RAKESH, password: 'rakesh-pw' }] });
  pki = await testPki(ms.stack);
  t.raj = await ms.stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  t.priya = await ms.stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
  await registerWithDsc(ms.stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
});

afterAll(async () => {
  await ms?.stop();
});

/** The waits are fixed when the workflow starts: this application's officer waits are seconds long. */
async function inProcessWithDeadlines(timings: Partial<typeof ms.stack.config.timings>): Promise<{ id: string; number: string; fileNumber: string }> {
  const before = ms.stack.config.timings;
  ms.stack.config.timings = { ...before, ...timings };
  try {
    const draft = await createCompleteDraft(ms.stack, t.raj);
    await submitAndSign(ms.stack, pki, t.raj, draft.id, 'exporter-raj');
    await payAtGateway(ms.stack, t.raj, draft.id, 'success');
    const s = await waitForStatus(ms.stack, t.raj, draft.id, 'In-Process');
    return { id: draft.id, number: draft.number, fileNumber: s.fileNumber };
  } finally {
    ms.stack.config.timings = before;
  }
}

describe('an officer who does nothing (e-mail only)', () => {
  it('reminds the officers of the office twice, then tells the agency administrator; a decision ends the wait', async () => {
    const app = await inProcessWithDeadlines({ reviewReminders: ['1 second', '2 seconds'], reviewEscalation: '4 seconds' });
    const subject = (m: { subject?: string | undefined }) => m.subject ?? '';

    const first = await ms.waitForMail(PRIYA, (m) => subject(m) === `Reminder 1: file ${app.fileNumber} waits for your decision`);
    expect(first.text).toContain('Dear Priya Deshpande,');
    expect(first.text).toContain(`File ${app.fileNumber} from RAJ KUMAR EXPORTS PRIVATE LIMITED has waited`);
    expect(first.text).toContain('for a decision (approve, raise a deficiency or reject)');
    await ms.waitForMail(PRIYA, (m) => subject(m) === `Reminder 2: file ${app.fileNumber} waits for your decision`);
    const escalation = await ms.waitForMail(RAKESH, (m) => subject(m) === `Escalation: file ${app.fileNumber} overdue at ${OFFICE}`);
    expect(escalation.text).toContain('Dear Rakesh Gupta,');
    expect(escalation.text).toContain('As the agency\'s administrator');

    // the workflow's history shows the timers and the notices (what a platform administrator reads)
    const state = await workflowState(ms.stack, t.priya, app.id);
    expect(state.status).toBe('In-Process');

    // each notice once, whatever the retries: one outbox row per recipient and step
    // (other test files may register more officers of EIC Mumbai and administrators of EIC in the shared database: they are told too)
    const rows = await ms.stack.orm.em.fork().find(NotificationRow, { applicationId: app.id, template: { $like: 'officer-review-%' } }, { orderBy: { id: 'asc' } });
    const others = rows.filter((r) => r.recipient !== PRIYA && r.recipient !== RAKESH);
    expect(others.every((r) => r.template === 'officer-review-reminder' || r.template === 'officer-review-escalation')).toBe(true);
    expect(rows.filter((r) => r.recipient === PRIYA || r.recipient === RAKESH).map((r) => [r.template, r.recipient, r.sentAt !== null])).toEqual([
      ['officer-review-reminder', PRIYA, true],
      ['officer-review-reminder', PRIYA, true],
      ['officer-review-escalation', RAKESH, true],
    ]);

    // Priya approves at last: the file moves on and nothing more is sent about this wait
    expect((await api(ms.stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya })).status).toBe(200);
    await waitForStatus(ms.stack, t.raj, app.id, 'Approved');
    expect(await ms.stack.orm.em.fork().count(NotificationRow, { applicationId: app.id, template: { $like: 'officer-review-%' } })).toBe(rows.length);
  });

  it("reminds the approving officer to sign the certificate, then tells the administrator; the signature ends the wait", async () => {
    await registerWithDsc(ms.stack, pki, t.priya, '', 'officer-eic-mum', false);
    const em = ms.stack.orm.em.fork();
    const office = await em.findOneOrFail(AgencyOfficeRow, { code: 'EIC-MUM' });
    const before = office.data;
    const mumbaiSigning = (ref: ReferenceIndex) => ref.office('EIC-MUM')?.certificateSigning;
    try {
      await em.getConnection().execute(`update agency_office set data = jsonb_set(data, '{certificateSigning}', '"officer-dsc"') where code = 'EIC-MUM'`);
      await waitFor(() => ms.stack.deps.reference(), { what: "the worker's reference data to show EIC-MUM signing with the officer's DSC", timeoutMs: 15_000, until: (ref) => mumbaiSigning(ref) === 'officer-dsc' });
      const app = await inProcessWithDeadlines({ certificateSignatureReminders: ['1 second'], certificateSignatureEscalation: '3 seconds' });
      expect((await api(ms.stack, 'POST', `/v1/applications/${app.id}/decisions/approve`, { token: t.priya })).status).toBe(200);
      await waitForStatus(ms.stack, t.raj, app.id, 'Approved Pending Issuance');

      const reminder = await ms.waitForMail(PRIYA, (m) => (m.subject ?? '') === `Reminder 1: certificate of file ${app.fileNumber} waits for your signature`);
      expect(reminder.text).toContain("for Priya Deshpande's digital signature");
      expect(reminder.text).toContain('certificate/signing');
      const escalation = await ms.waitForMail(RAKESH, (m) => (m.subject ?? '') === `Escalation: file ${app.fileNumber} overdue at ${OFFICE}`);
      expect(escalation.text).toContain("for Priya Deshpande's digital signature");

      const req = await api(ms.stack, 'GET', `/v1/applications/${app.id}/certificate/signing`, { token: t.priya });
      expect(req.status, JSON.stringify(req.body)).toBe(200);
      const signed = await api(ms.stack, 'POST', `/v1/applications/${app.id}/certificate/signature`, { token: t.priya, body: { signatureB64: sign(pki, 'officer-eic-mum', req.body.contentB64) } });
      expect(signed.status, JSON.stringify(signed.body)).toBe(200);
      await waitForStatus(ms.stack, t.raj, app.id, 'Approved');
      const rows = await em.fork().find(NotificationRow, { applicationId: app.id, template: { $like: 'officer-certificate-signature-%' } }, { orderBy: { id: 'asc' } });
      expect(rows.filter((r) => r.recipient === PRIYA || r.recipient === RAKESH).map((r) => [r.template, r.recipient])).toEqual([
        ['officer-certificate-signature-reminder', PRIYA],
        ['officer-certificate-signature-escalation', RAKESH],
      ]);
    } finally {
      await em.getConnection().execute(`update agency_office set data = ?::jsonb where code = 'EIC-MUM'`, [JSON.stringify(before)]);
      await waitFor(() => ms.stack.deps.reference(), { what: 'EIC-MUM signing as before', timeoutMs: 15_000, until: (ref) => mumbaiSigning(ref) === (before as { certificateSigning?: string }).certificateSigning });
    }
  });
});
