import { describe, expect, it } from 'vitest';
import type { ApplicationStatus } from '../../../channels/slack/backend.js';
import { MemorySlackBackend } from '../../../channels/slack/memory-backend.js';
import { NOW, card } from './fixtures.js';

const SHARMA = { officerId: 'OFF-SHARMA', name: 'Anita Sharma', officeCode: 'EIC-MUM' };
const IYER = { officerId: 'OFF-IYER', name: 'Ravi Iyer', officeCode: 'EIC-MUM' };
const NAIR = { officerId: 'OFF-NAIR', name: 'Kavya Nair', officeCode: 'EIC-CHN' };
const N = 'COOAPPLY00000101AM26';

function backend(status: ApplicationStatus = 'In-Process') {
  let now = NOW;
  const b = new MemorySlackBackend({ now: () => now });
  for (const o of [SHARMA, IYER, NAIR]) b.addOfficer(o);
  b.addCard(card({ status }));
  return { b, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('in-memory backend: the workflow\'s decision rules', () => {
  it('allows one decision; a second is refused with who decided', async () => {
    const { b } = backend();
    const first = await b.approve(N, SHARMA, 'k1');
    expect(first).toMatchObject({ ok: true, card: { status: 'Approved Pending Issuance', decidedBy: { officerId: SHARMA.officerId } } });
    expect(await b.reject(N, IYER, { reason: 'Not originating at all.' }, 'k2')).toEqual({
      ok: false,
      code: 'already_decided',
      decision: 'approve',
      decidedBy: { officerId: SHARMA.officerId, name: SHARMA.name },
      message: `${N} was already approved by Anita Sharma.`,
    });
    expect(b.decisions).toHaveLength(1);
  });

  it('returns the first result again for a repeated idempotency key', async () => {
    const { b } = backend();
    const first = await b.approve(N, SHARMA, 'same');
    expect(await b.approve(N, SHARMA, 'same')).toEqual(first);
    expect(b.decisions).toHaveLength(1);
  });

  it('resolves concurrent decisions to exactly one', async () => {
    const { b } = backend();
    const results = await Promise.all([
      b.approve(N, SHARMA, 'a'),
      b.reject(N, IYER, { reason: 'Origin not established.' }, 'b'),
      b.raiseDeficiency(N, IYER, { remarks: 'Need the cost sheet.', documentsRequested: [] }, 'c'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'already_decided')).toHaveLength(2);
  });

  it('decides only In-Process files of the officer\'s own office', async () => {
    const { b } = backend('Pending Payment');
    expect(await b.approve(N, SHARMA, 'k')).toMatchObject({ ok: false, code: 'illegal_transition', message: `${N} is Pending Payment; only files In-Process can be decided.` });
    const other = backend();
    expect(await other.b.approve(N, NAIR, 'k')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await other.b.approve('NOPE', SHARMA, 'k')).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('runs the deficiency loop: Deficient refuses decisions until the exporter responds', async () => {
    const { b } = backend();
    await b.raiseDeficiency(N, IYER, { remarks: 'Need the cost sheet.', documentsRequested: ['Cost sheet'] }, 'd1');
    expect(await b.approve(N, SHARMA, 'a1')).toMatchObject({ ok: false, code: 'already_decided', decision: 'deficiency', decidedBy: { name: 'Ravi Iyer' } });
    b.respondToDeficiency(N, { kind: 'edit' });
    expect(await b.approve(N, SHARMA, 'a2')).toMatchObject({ ok: true });
    expect(b.issue(N, 'CERT-1')).toMatchObject({ status: 'Approved', certificateNumber: 'CERT-1' });
  });

  it('refuses empty remarks and reasons', async () => {
    const { b } = backend();
    expect(await b.raiseDeficiency(N, IYER, { remarks: ' ', documentsRequested: [] }, 'x')).toMatchObject({ ok: false, code: 'validation_failed' });
    expect(await b.reject(N, IYER, { reason: '' }, 'y')).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it('links with a one-time, expiring code', async () => {
    const { b, advance } = backend();
    const code = b.issueLinkCode(SHARMA.officerId, { ttlMs: 60_000 });
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(await b.linkSlackUser({ teamId: 'T', slackUserId: 'U1', code: ` ${code.toLowerCase()} ` })).toMatchObject({ ok: true, officer: SHARMA });
    expect(await b.linkSlackUser({ teamId: 'T', slackUserId: 'U2', code })).toMatchObject({ ok: false, code: 'invalid' });
    const late = b.issueLinkCode(IYER.officerId, { ttlMs: 60_000 });
    advance(61_000);
    expect(await b.linkSlackUser({ teamId: 'T', slackUserId: 'U3', code: late })).toMatchObject({ ok: false, code: 'expired' });
    // linking again moves the officer to the new Slack account
    await b.linkSlackUser({ teamId: 'T', slackUserId: 'U9', code: b.issueLinkCode(SHARMA.officerId) });
    expect(await b.officerForSlackUser('T', 'U1')).toBeNull();
    expect(await b.officerForSlackUser('T', 'U9')).toEqual(SHARMA);
  });

  it('finds cards by application or file number, case-insensitively, as copies', async () => {
    const { b } = backend();
    const found = await b.getCard('mumcooapply00000101am26');
    expect(found?.applicationNumber).toBe(N);
    if (found) found.status = 'Rejected';
    expect(b.card(N).status).toBe('In-Process');
  });
});
