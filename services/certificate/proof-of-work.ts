import { createHmac } from 'node:crypto';
import { createChallenge, verifySolution } from 'altcha-lib/v1';

/**
 * The accessible alternative to the image captcha: a proof-of-work challenge (ALTCHA, altcha-lib) that the
 * person's browser solves by itself — it hashes the salt with numbers until the SHA-256 equals the challenge —
 * so nothing has to be seen or heard. The challenge is signed with a key derived from the captcha secret and
 * expires with it; single use is enforced by the caller with the same PostgreSQL guard as the image captcha
 * (services/certificate/shared-limits.ts), keyed by the challenge.
 */

/** Challenges are numbers up to this: about a second of SHA-256 in a browser, a cost for a script asking thousands. */
export const POW_MAX_NUMBER = 50_000;

export interface PowChallenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
  expiresAt: string;
}

/** A key of its own for the challenges' signatures, derived from the captcha secret. */
function powKey(secret: string): string {
  return createHmac('sha256', secret).update('coo-verification-proof-of-work').digest('base64url');
}

export async function createPowChallenge(o: { secret: string; ttlSeconds: number; now?: Date; maxNumber?: number }): Promise<PowChallenge> {
  // whole seconds, as the salt carries it
  const expires = new Date(Math.floor(((o.now ?? new Date()).getTime() + o.ttlSeconds * 1000) / 1000) * 1000);
  const c = await createChallenge({ hmacKey: powKey(o.secret), maxNumber: o.maxNumber ?? POW_MAX_NUMBER, expires });
  return { algorithm: c.algorithm, challenge: c.challenge, maxnumber: c.maxnumber ?? o.maxNumber ?? POW_MAX_NUMBER, salt: c.salt, signature: c.signature, expiresAt: expires.toISOString() };
}

export type PowCheck = { ok: true; id: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'expired' | 'invalid' };

/**
 * Checks a solution (the base64 JSON the page sends: algorithm, challenge, number, salt, signature): signed
 * by us, not expired, and the number solves it. Its id, for single use, comes from the challenge.
 */
export async function checkPowSolution(o: { secret: string; payload: string; now?: Date }): Promise<PowCheck> {
  let parsed: { algorithm?: unknown; challenge?: unknown; number?: unknown; salt?: unknown; signature?: unknown };
  try {
    if (o.payload.length > 2000) return { ok: false, reason: 'malformed' };
    parsed = JSON.parse(Buffer.from(o.payload, 'base64').toString('utf8')) as typeof parsed;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    parsed.algorithm !== 'SHA-256' ||
    typeof parsed.challenge !== 'string' ||
    !/^[0-9a-f]{64}$/.test(parsed.challenge) ||
    typeof parsed.number !== 'number' ||
    !Number.isInteger(parsed.number) ||
    typeof parsed.salt !== 'string' ||
    parsed.salt.length > 200 ||
    typeof parsed.signature !== 'string'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  // the salt carries its expiry ("<random>?expires=<unix seconds>"), covered by the signature
  const expires = Number(new URLSearchParams(parsed.salt.split('?')[1] ?? '').get('expires'));
  if (!Number.isFinite(expires) || expires <= 0) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(expires * 1000);
  if ((o.now ?? new Date()) > expiresAt) return { ok: false, reason: 'expired' };
  const payload = { algorithm: 'SHA-256' as const, challenge: parsed.challenge, number: parsed.number, salt: parsed.salt, signature: parsed.signature };
  if (!(await verifySolution(payload, powKey(o.secret), false))) return { ok: false, reason: 'invalid' };
  // 32 characters, as the spent captchas' ids (112 bits of the challenge: no two challenges share them)
  return { ok: true, id: `pow-${parsed.challenge.slice(0, 28)}`, expiresAt };
}
