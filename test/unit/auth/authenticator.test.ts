import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, checkTokenLifetime, createAuthenticator, formatSeconds, type Authenticator } from '../../../api/http/auth.js';
import { DEV_TOKEN_LIFETIME_SECONDS, devTokenLifetimeSeconds, mintToken, type DevKey } from '../../../lib/auth/dev-keys.js';
import { AppError } from '../../../lib/errors.js';
import { loadConfig } from '../../../lib/config.js';

const ISSUER = 'coo-backoffice-dev';
const AUDIENCE = 'coo-backoffice';
const HOUR = 3600;
const principal = { sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk' as const] };

let key: DevKey;
let auth: Authenticator;
const now = () => Math.floor(Date.now() / 1000);

/** A token with exactly the given claims (no defaults): `iat`/`exp` absent when undefined. */
async function token(claims: { iat?: number; exp?: number; nbf?: number }): Promise<string> {
  const jwt = new SignJWT({ name: principal.name, roles: principal.roles }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject(principal.sub).setIssuer(ISSUER).setAudience(AUDIENCE);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  return jwt.sign(await importJWK(key.privateJwk, 'ES256'));
}

const request = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

async function refusal(t: string, a: Authenticator = auth): Promise<AppError> {
  try {
    await authenticate(a, request(t));
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('the token was accepted');
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  key = { kid: 'unit', privateJwk: { ...(await exportJWK(privateKey)), kid: 'unit', alg: 'ES256' }, publicJwk: { ...(await exportJWK(publicKey)), kid: 'unit', alg: 'ES256', use: 'sig' } };
  auth = createAuthenticator({ issuer: ISSUER, audience: AUDIENCE, devKey: key, maxLifetimeSeconds: 12 * HOUR });
});

describe('bearer tokens must expire', () => {
  it('refuses a token without exp (401, saying it has no expiry)', async () => {
    for (const t of [await token({ iat: now() }), await token({})]) {
      const e = await refusal(t);
      expect(e.status).toBe(401);
      expect(e.code).toBe('unauthorized');
      expect(e.message).toContain('has no expiry');
    }
  });

  it('still refuses an expired token, and accepts a short-lived one', async () => {
    expect((await refusal(await token({ iat: now() - 2 * HOUR, exp: now() - HOUR }))).message).toContain('expired');
    await expect(authenticate(auth, request(await token({ iat: now(), exp: now() + HOUR })))).resolves.toMatchObject({ sub: 'helpdesk-1', roles: ['helpdesk'] });
  });
});

describe('the longest accepted lifetime (AUTH_MAX_TOKEN_LIFETIME)', () => {
  it('refuses exp - iat beyond the limit, naming the limit', async () => {
    const e = await refusal(await token({ iat: now(), exp: now() + 30 * 24 * HOUR }));
    expect(e.status).toBe(401);
    expect(e.message).toContain('valid for 30 days');
    expect(e.message).toContain('at most 12 hours');
  });

  it('counts from iat even when most of the lifetime is over', async () => {
    // issued 20 hours ago, 1 more hour to go: 21 hours in all
    expect((await refusal(await token({ iat: now() - 20 * HOUR, exp: now() + HOUR }))).message).toContain('at most 12 hours');
  });

  it('counts exp - now without iat, and from now when iat lies in the future', async () => {
    expect((await refusal(await token({ exp: now() + 13 * HOUR }))).message).toContain('at most 12 hours');
    // iat a year ahead: exp - iat is one hour, but the token would be valid for a year
    const ahead = now() + 365 * 24 * HOUR;
    expect((await refusal(await token({ iat: ahead, exp: ahead + HOUR }))).message).toContain('at most 12 hours');
    await expect(authenticate(auth, request(await token({ exp: now() + 11 * HOUR })))).resolves.toMatchObject({ sub: 'helpdesk-1' });
  });

  it('accepts exactly the limit', async () => {
    const iat = now();
    await expect(authenticate(auth, request(await token({ iat, exp: iat + 12 * HOUR })))).resolves.toMatchObject({ sub: 'helpdesk-1' });
  });

  it('follows the configured limit', async () => {
    const short = createAuthenticator({ issuer: ISSUER, audience: AUDIENCE, devKey: key, maxLifetimeSeconds: loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '30 minutes' }).auth.maxTokenLifetimeSeconds });
    const e = await refusal(await token({ iat: now(), exp: now() + HOUR }), short);
    expect(e.message).toContain('valid for 1 hour, longer than this service accepts (at most 30 minutes)');
  });

  it('checks the payload alone the same way', () => {
    const at = 1_900_000_000;
    const check = (p: JWTPayload) => () => checkTokenLifetime({ maxLifetimeSeconds: HOUR }, p, at);
    expect(check({ iat: at, exp: at + HOUR })).not.toThrow();
    expect(check({ iat: at, exp: at + HOUR + 1 })).toThrow('at most 1 hour');
    expect(check({ iat: at })).toThrow('has no expiry');
  });

  it('says lifetimes the way a person would', () => {
    expect(formatSeconds(12 * HOUR)).toBe('12 hours');
    expect(formatSeconds(24 * HOUR)).toBe('1 day');
    expect(formatSeconds(1800)).toBe('30 minutes');
    expect(formatSeconds(13 * HOUR + 1)).toBe('about 13 hours');
    expect(formatSeconds(45)).toBe('45 seconds');
  });
});

describe('development tokens stay within the default limit', () => {
  it('mintToken issues exactly 12 hours from one reading of the clock, and the default limit accepts it', async () => {
    const defaults = loadConfig({});
    expect(devTokenLifetimeSeconds(defaults.auth.maxTokenLifetimeSeconds)).toBe(DEV_TOKEN_LIFETIME_SECONDS);
    const standard = createAuthenticator({ issuer: ISSUER, audience: AUDIENCE, devKey: key, maxLifetimeSeconds: defaults.auth.maxTokenLifetimeSeconds });
    for (let i = 0; i < 20; i++) {
      const t = await mintToken(key, principal, { issuer: ISSUER, audience: AUDIENCE });
      const payload = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as JWTPayload;
      expect(payload.exp! - payload.iat!).toBe(12 * HOUR);
      await expect(authenticate(standard, request(t))).resolves.toMatchObject({ sub: 'helpdesk-1' });
    }
  });

  it('are shorter when the limit is', () => {
    expect(devTokenLifetimeSeconds(1800)).toBe(1800);
    expect(devTokenLifetimeSeconds(7 * 24 * HOUR)).toBe(12 * HOUR);
  });
});
