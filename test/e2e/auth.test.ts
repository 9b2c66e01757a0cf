/**
 * Bearer tokens and the client address over HTTP, on the real API: a token without `exp` and a token valid
 * for longer than AUTH_MAX_TOKEN_LIFETIME are refused with 401 problem+json; X-Forwarded-For is believed
 * only from the proxies TRUST_PROXY names (none by default), so it cannot buy a client a fresh rate limit.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { createLogger } from '../../lib/logger.js';
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

const BURST = 3;
let stack: Stack;

beforeAll(async () => {
  // the default configuration but for a small verification rate limit
  stack = await startStack({ name: 'auth', env: { VERIFY_RATE_LIMIT_BURST: String(BURST), VERIFY_RATE_LIMIT_PER_MINUTE: '1' } });
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

describe('the client address behind proxies (TRUST_PROXY)', () => {
  /** GET /v1/public/captcha (counted against the verification rate limit) from `base`, claiming `forwardedFor` */
  const captcha = (base: string, forwardedFor: string) => fetch(`${base}/v1/public/captcha`, { headers: { 'x-forwarded-for': forwardedFor } });

  it('by default, a new X-Forwarded-For on every request does not step past the rate limit', async () => {
    expect(stack.config.api.trustProxy).toBe(false);
    const statuses: number[] = [];
    for (let i = 0; i < BURST + 2; i++) {
      const r = await captcha(stack.baseUrl, `203.0.113.${i + 1}`);
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    expect(statuses).toEqual([...Array<number>(BURST).fill(200), 429, 429]);
    const refused = await captcha(stack.baseUrl, '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { code: string }).code).toBe('rate_limited');
  });

  describe('with TRUST_PROXY=loopback (a reverse proxy on this host)', () => {
    let server: Server;
    let base: string;

    beforeAll(async () => {
      // the same stack's API with only TRUST_PROXY changed (and so its own rate limiter)
      const config = { ...stack.config, api: { ...stack.config.api, trustProxy: ['loopback'] } };
      const app = createApp({ config, logger: createLogger({ level: 'silent', service: 'test:auth-proxy' }), orm: stack.orm, temporal: stack.client, authenticator: authenticatorFromConfig(config.auth, stack.devKey) });
      server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((r) => server?.close(r));
    });

    it('the forwarded address is the client: each has its own limit', async () => {
      for (let i = 0; i < BURST; i++) expect((await captcha(base, '192.0.2.10')).status).toBe(200);
      expect((await captcha(base, '192.0.2.10')).status).toBe(429);
      expect((await captcha(base, '192.0.2.11')).status).toBe(200);
    });
  });
});
