import { describe, expect, it } from 'vitest';
import {
  createReplyToken,
  parseReplyToken,
  plusDetail,
  replyAddress,
  subjectTag,
  tokenFromSubject,
  verifyReplyToken,
} from '../../../channels/email/reply-token.js';

const SECRET = 'reply-secret-for-tests-0123456789';
const APP = 'HQRCCOAPPLY00000019AM25';

describe('reply tokens', () => {
  it('round-trips: a token names its application and round and verifies', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 2 }, SECRET);
    expect(token).toMatch(/^hqrccoapply00000019am25\.2\.[a-z2-7]{16}$/);
    expect(verifyReplyToken(token, SECRET)).toEqual({ ok: true, applicationNumber: APP, round: 2 });
    expect(verifyReplyToken(token, SECRET, { applicationNumber: APP, round: 2 }).ok).toBe(true);
  });

  it('is stable for the same inputs and differs per application, round and secret', () => {
    const a = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    expect(createReplyToken({ applicationNumber: APP, round: 1 }, SECRET)).toBe(a);
    expect(createReplyToken({ applicationNumber: APP, round: 2 }, SECRET).split('.')[2]).not.toBe(a.split('.')[2]);
    expect(createReplyToken({ applicationNumber: 'HQRCCOAPPLY00000020AM25', round: 1 }, SECRET).split('.')[2]).not.toBe(a.split('.')[2]);
    expect(createReplyToken({ applicationNumber: APP, round: 1 }, `${SECRET}x`)).not.toBe(a);
  });

  it('refuses a tampered MAC', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    const check = verifyReplyToken(token.slice(0, -1) + last, SECRET);
    expect(check).toMatchObject({ ok: false, reason: 'bad_mac' });
  });

  it('cannot be moved to another application: swapping the number breaks the MAC', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    const moved = token.replace('00000019', '00000020');
    expect(verifyReplyToken(moved, SECRET)).toMatchObject({ ok: false, reason: 'bad_mac' });
  });

  it('cannot be moved to another round: changing the round breaks the MAC', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    expect(verifyReplyToken(token.replace('.1.', '.2.'), SECRET)).toMatchObject({ ok: false, reason: 'bad_mac' });
  });

  it('a valid token for another application or an old round is refused when the expected one is given', () => {
    const other = createReplyToken({ applicationNumber: 'HQRCCOAPPLY00000020AM25', round: 1 }, SECRET);
    expect(verifyReplyToken(other, SECRET, { applicationNumber: APP })).toMatchObject({ ok: false, reason: 'other_application' });
    const old = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    const check = verifyReplyToken(old, SECRET, { applicationNumber: APP, round: 2 });
    expect(check).toMatchObject({ ok: false, reason: 'other_round' });
    expect(check.ok ? '' : check.message).toBe('The reply reference belongs to deficiency round 1, not round 2.');
  });

  it('refuses a token made with another secret and accepts one made with a previous secret during rotation', () => {
    const oldToken = createReplyToken({ applicationNumber: APP, round: 3 }, 'the-previous-secret-0000');
    expect(verifyReplyToken(oldToken, SECRET)).toMatchObject({ ok: false, reason: 'bad_mac' });
    expect(verifyReplyToken(oldToken, [SECRET, 'the-previous-secret-0000'])).toMatchObject({ ok: true, round: 3 });
  });

  it('is case-insensitive (some mail systems upper-case addresses)', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    expect(verifyReplyToken(token.toUpperCase(), SECRET).ok).toBe(true);
  });

  it('handles legacy numbers with slashes', () => {
    const token = createReplyToken({ applicationNumber: 'MPEDA/2019/013/0000081A', round: 1 }, SECRET);
    expect(token.startsWith('mpeda_2019_013_0000081a.1.')).toBe(true);
    expect(verifyReplyToken(token, SECRET)).toEqual({ ok: true, applicationNumber: 'MPEDA/2019/013/0000081A', round: 1 });
  });

  it('reports malformed tokens and refuses bad inputs when creating', () => {
    expect(verifyReplyToken('hello', SECRET)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyReplyToken('', SECRET)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseReplyToken('abc.1.tooshort')).toBeNull();
    expect(() => createReplyToken({ applicationNumber: 'bad number!', round: 1 }, SECRET)).toThrow(/cannot go into a reply token/);
    expect(() => createReplyToken({ applicationNumber: APP, round: 0 }, SECRET)).toThrow(/round/);
    expect(() => createReplyToken({ applicationNumber: APP, round: 1 }, 'short')).toThrow(/at least 16 bytes/);
  });
});

describe('reply addresses and subject tags', () => {
  it('puts the token in a plus-address and reads it back', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    const address = replyAddress('helpdesk@coo.test', token);
    expect(address).toBe(`helpdesk+${token}@coo.test`);
    expect(address.split('@')[0]?.length).toBeLessThanOrEqual(64);
    expect(plusDetail(address, 'helpdesk@coo.test')).toBe(token);
    expect(plusDetail(`<${address.toUpperCase()}>`, 'helpdesk@coo.test')).toBe(token);
    expect(plusDetail(address, 'helpdesk@other.test')).toBeNull();
    expect(plusDetail('helpdesk@coo.test', 'helpdesk@coo.test')).toBeNull();
    expect(plusDetail('helpdeskx+abc@coo.test', 'helpdesk@coo.test')).toBeNull();
  });

  it('finds the token in a reply subject', () => {
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    const subject = `RE: Fwd: Deficiency raised on ${APP} ${subjectTag(token)}`;
    expect(tokenFromSubject(subject)).toBe(token);
    expect(tokenFromSubject(subject.toUpperCase())).toBe(token);
    expect(tokenFromSubject('RE: Deficiency raised')).toBeNull();
  });
});
