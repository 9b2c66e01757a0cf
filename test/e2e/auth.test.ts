/**
 * Bearer tokens over HTTP, on the real API: a token without `exp` and a token valid for longer than
 * AUTH_MAX_TOKEN_LIFETIME are refused with 401 problem+json.
 */
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, type Stack } from '../helpers/stack.js';

const HOUR = 3600;
const KAVITA = { sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] };
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the stack's development key, with exactly the given time claims. */
async function tokenFor(stack: Stack, claims: { iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({ name: KAVITA.name, roles: KAVITA.roles })
    .setProtectedHeader({ alg: 'ES256', kid: stack.devKey.kid })
    .setSubject(KAVITA.sub)
    .setIssuer(stack.config.auth.issuer)
    .setAudience(stack.config.auth.audience);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(await importJWK(stack.devKey.privateJwk, 'ES256'));
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ name: 'auth' });
});

afterAll(async () => {
  await stack?.stop();
});

describe('bearer tokens', () => {
  const agreements = (token: string) => api(stack, 'GET', '/v1/reference/agreements', { token });

  it('accepts the tokens the test helper and `npm run token` mint (12 hours, the default limit)', async () => {
    expect(stack.config.auth.maxTokenLifetime).toBe('12 hours');
    const r = await agreements(await stack.token({ sub: KAVITA.sub, name: KAVITA.name, roles: ['helpdesk'] }));
    expect(r.status).toBe(200);
  });

  it('refuses a token without exp: 401 problem+json saying it has no expiry', async () => {
    const r = await agreements(await tokenFor(stack, { iat: now() }));
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(r.body.detail).toContain('has no expiry');
  });

  it('refuses a token valid for longer than AUTH_MAX_TOKEN_LIFETIME, naming the limit', async () => {
    const long = await agreements(await tokenFor(stack, { iat: now(), exp: now() + 30 * 24 * HOUR }));
    expect(long.status).toBe(401);
    expect(long.headers.get('content-type')).toContain('application/problem+json');
    expect(long.body.code).toBe('unauthorized');
    expect(long.body.detail).toContain('valid for 30 days, longer than this service accepts (at most 12 hours)');
    // without iat, from now
    const noIat = await agreements(await tokenFor(stack, { exp: now() + 13 * HOUR }));
    expect(noIat.status).toBe(401);
    expect(noIat.body.detail).toContain('at most 12 hours');
    const within = await agreements(await tokenFor(stack, { iat: now(), exp: now() + 2 * HOUR }));
    expect(within.status).toBe(200);
  });

  it('follows AUTH_MAX_TOKEN_LIFETIME; the helper then mints shorter tokens', async () => {
    const short = await startStack({ name: 'auth-short', env: { AUTH_MAX_TOKEN_LIFETIME: '30 minutes' } });
    try {
      const hour = await api(short, 'GET', '/v1/reference/agreements', { token: await tokenFor(short, { iat: now(), exp: now() + HOUR }) });
      expect(hour.status).toBe(401);
      expect(hour.body.detail).toContain('at most 30 minutes');
      const minted = await api(short, 'GET', '/v1/reference/agreements', { token: await short.token({ sub: KAVITA.sub, name: KAVITA.name, roles: ['helpdesk'] }) });
      expect(minted.status).toBe(200);
    } finally {
      await short.stop();
    }
  });
});
