import { solveChallenge } from 'altcha-lib/v1';
import { describe, expect, it } from 'vitest';
import { checkPowSolution, createPowChallenge } from '../../../services/certificate/proof-of-work.js';

const secret = 'captcha-secret-for-tests-0123456789';
const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');

async function solved(o: { secret?: string; ttlSeconds?: number; now?: Date } = {}) {
  const c = await createPowChallenge({ secret: o.secret ?? secret, ttlSeconds: o.ttlSeconds ?? 300, maxNumber: 2000, ...(o.now ? { now: o.now } : {}) });
  const s = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  return { c, payload: { algorithm: c.algorithm, challenge: c.challenge, number: s!.number, salt: c.salt, signature: c.signature } };
}

describe('proof-of-work alternative to the image captcha', () => {
  it('accepts a solved challenge, with an id of the spent-captcha size for single use', async () => {
    const { c, payload } = await solved();
    const r = await checkPowSolution({ secret, payload: encode(payload) });
    expect(r).toMatchObject({ ok: true, expiresAt: new Date(c.expiresAt) });
    expect(r.ok && r.id).toMatch(/^pow-[0-9a-f]{28}$/);
  });

  it('refuses a wrong number, a challenge signed with another key, an altered expiry, an expired one and garbage', async () => {
    const { payload } = await solved();
    expect(await checkPowSolution({ secret, payload: encode({ ...payload, number: payload.number + 1 }) })).toEqual({ ok: false, reason: 'invalid' });
    const foreign = await solved({ secret: 'another-secret-0123456789abcdefghij' });
    expect(await checkPowSolution({ secret, payload: encode(foreign.payload) })).toEqual({ ok: false, reason: 'invalid' });
    const later = payload.salt.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`);
    expect(await checkPowSolution({ secret, payload: encode({ ...payload, salt: later }) })).toEqual({ ok: false, reason: 'invalid' });
    const old = await solved({ now: new Date(Date.now() - 3600_000) });
    expect(await checkPowSolution({ secret, payload: encode(old.payload) })).toEqual({ ok: false, reason: 'expired' });
    for (const junk of ['', 'not base64 json', encode({ ...payload, algorithm: 'SHA-1' }), encode({ ...payload, number: '1' }), encode([1]), 'x'.repeat(3000)]) {
      expect(await checkPowSolution({ secret, payload: junk })).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
