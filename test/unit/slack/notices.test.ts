import { describe, expect, it } from 'vitest';
import { notLinkedText, otherOfficeText, refusalText } from '../../../channels/slack/blocks/notices.js';
import { keyForAction, keyForViewSubmission } from '../../../channels/slack/idempotency.js';
import { buildOfficerReminder } from '../../../channels/slack/blocks/reminders.js';
import { card } from './fixtures.js';

const me = { officerId: 'OFF-IYER', name: 'Ravi Iyer' };
const other = { officerId: 'OFF-SHARMA', name: 'Anita Sharma' };

describe('what a refused officer reads', () => {
  it.each([
    ['approve', other, 'Anita Sharma already approved N1, so your action was not recorded.'],
    ['reject', other, 'Anita Sharma already rejected N1, so your action was not recorded.'],
    ['deficiency', other, 'Anita Sharma already raised a deficiency on N1, so your action was not recorded.'],
    ['approve', me, 'You already approved N1. Nothing else was changed.'],
  ] as const)('%s by %o', (decision, decidedBy, text) => {
    expect(refusalText({ ok: false, code: 'already_decided', message: 'x', decision, decidedBy }, me, { applicationNumber: 'N1' })).toBe(text);
  });

  it('falls back to the backend\'s sentence', () => {
    expect(refusalText({ ok: false, code: 'illegal_transition', message: 'N1 is Pending Payment; only files In-Process can be decided.' }, me, { applicationNumber: 'N1' })).toBe(
      'N1 is Pending Payment; only files In-Process can be decided. Nothing was changed.',
    );
  });

  it('names the file by its file number once there is one, not the draft number', () => {
    const decided = { ok: false as const, code: 'already_decided' as const, message: 'x', decision: 'approve' as const, decidedBy: other };
    const filed = card({ applicationNumber: 'DRAFTCOOAPPLY00000101AM26', fileNumber: 'EIMUCOAPPLY00000101AM26' });
    expect(refusalText(decided, me, filed)).toBe('Anita Sharma already approved EIMUCOAPPLY00000101AM26, so your action was not recorded.');
    expect(refusalText(decided, me, { applicationNumber: 'DRAFTCOOAPPLY00000101AM26' })).toContain('approved DRAFTCOOAPPLY00000101AM26,');
  });

  it("a signature reminder leads with the file number and names the API's real operations", () => {
    const text = buildOfficerReminder(card(), 3_600_000, { kind: 'certificate-signature', officerName: 'Ravi Iyer' }).text;
    expect(text).toContain('*MUMCOOAPPLY00000101AM26*');
    expect(text).toContain('GET /v1/applications/COOAPPLY00000101AM26/certificate/signing');
    expect(text).not.toContain('/api/v1');
  });

  it('names the office and says nothing changed', () => {
    expect(otherOfficeText(card(), 'EIC-CHN')).toBe(
      'Only officers of EIA Mumbai can act on MUMCOOAPPLY00000101AM26; your account is linked to office EIC-CHN. Nothing was changed.',
    );
    expect(notLinkedText('/coo')).toContain('nothing was changed');
  });
});

describe('idempotency keys', () => {
  it('are stable per click and per modal, distinct across clicks, users and teams', () => {
    const click = { teamId: 'T1', userId: 'U1', actionId: 'coo_approve', actionTs: '1700000000.000001' };
    expect(keyForAction(click)).toBe('slack:T1:U1:coo_approve:1700000000.000001');
    expect(keyForAction(click)).toBe(keyForAction({ ...click }));
    expect(new Set([keyForAction(click), keyForAction({ ...click, actionTs: '1700000000.000002' }), keyForAction({ ...click, userId: 'U2' }), keyForAction({ ...click, teamId: 'T2' })]).size).toBe(4);
    expect(keyForViewSubmission({ teamId: 'T1', userId: 'U1', callbackId: 'coo_reject_modal', viewId: 'V1' })).toBe('slack:T1:U1:coo_reject_modal:V1');
  });
});
