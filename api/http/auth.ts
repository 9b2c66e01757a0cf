import type { Request } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { ROLES, type Principal } from '../../lib/auth/roles.js';
import type { DevKey } from '../../lib/auth/dev-keys.js';
import type { Config } from '../../lib/config.js';

/**
 * Bearer JWTs, verified against the single-sign-on issuer's JWKS and/or the local development key.
 * Roles and the caller's IEC / office come from the token's claims. Every token must expire (`exp`), and
 * none may be valid for longer than AUTH_MAX_TOKEN_LIFETIME: a leaked token is good for that long at most.
 */
export interface Authenticator {
  issuer: string;
  audience: string;
  keySets: JWTVerifyGetKey[];
  /** the longest accepted lifetime: exp - iat (exp - now without iat) */
  maxLifetimeSeconds: number;
}

export interface AuthenticatorOptions {
  issuer: string;
  audience: string;
  jwksUrl?: string | undefined;
  devKey?: DevKey | undefined;
  /** AUTH_MAX_TOKEN_LIFETIME (config.auth.maxTokenLifetimeSeconds) */
  maxLifetimeSeconds: number;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  if (!Number.isFinite(opts.maxLifetimeSeconds) || opts.maxLifetimeSeconds < 1) throw new Error('createAuthenticator: maxLifetimeSeconds must be at least 1');
  const keySets: JWTVerifyGetKey[] = [];
  if (opts.jwksUrl) keySets.push(createRemoteJWKSet(new URL(opts.jwksUrl)));
  if (opts.devKey) keySets.push(createLocalJWKSet({ keys: [opts.devKey.publicJwk] }));
  return {
    issuer: opts.issuer,
    audience: opts.audience,
    keySets,
    maxLifetimeSeconds: Math.floor(opts.maxLifetimeSeconds),
  };
}

/** The authenticator of a configuration (lib/config.ts `auth`). */
export function authenticatorFromConfig(auth: Pick<Config['auth'], 'issuer' | 'audience' | 'jwksUrl' | 'maxTokenLifetimeSeconds'>, devKey?: DevKey): Authenticator {
  return createAuthenticator({ issuer: auth.issuer, audience: auth.audience, jwksUrl: auth.jwksUrl, devKey, maxLifetimeSeconds: auth.maxTokenLifetimeSeconds });
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  email: z.string().optional(),
  roles: z.array(z.enum(ROLES)).min(1),
  iec: z.string().regex(/^[A-Z0-9]{10}$/).optional(),
  officeCode: z.string().optional(),
  agencyCode: z.string().optional(),
});

/** "12 hours", "30 days", "90 minutes", "45 seconds" */
export function formatSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  const s = Math.round(seconds);
  for (const [size, name] of units) {
    if (s >= size && s % size === 0) return `${s / size} ${name}${s / size === 1 ? '' : 's'}`;
  }
  for (const [size, name] of units) {
    if (s >= size * 2) return `about ${Math.round(s / size)} ${name}s`;
  }
  return `${s} second${s === 1 ? '' : 's'}`;
}

/**
 * The lifetime rules, on a payload whose signature and claims jose has checked (it refuses a past `exp`
 * and a non-numeric `exp` or `iat`, but accepts a token without `exp`). The lifetime counts from `iat`, or
 * from now when there is no `iat` or it lies in the future (so a far-future `iat` gains nothing).
 */
export function checkTokenLifetime(auth: Pick<Authenticator, 'maxLifetimeSeconds'>, payload: JWTPayload, nowSeconds = Math.floor(Date.now() / 1000)): void {
  if (typeof payload.exp !== 'number') {
    throw new AppError(ErrorCode.Unauthorized, 'The token has no expiry (exp): this service accepts only tokens that expire. Sign in again to get one.');
  }
  const from = typeof payload.iat === 'number' ? Math.min(payload.iat, nowSeconds) : nowSeconds;
  const lifetime = payload.exp - from;
  if (lifetime > auth.maxLifetimeSeconds) {
    throw new AppError(
      ErrorCode.Unauthorized,
      `The token is valid for ${formatSeconds(lifetime)}, longer than this service accepts (at most ${formatSeconds(auth.maxLifetimeSeconds)}). Sign in again to get a shorter-lived token.`,
    );
  }
}

export async function authenticate(auth: Authenticator, req: Pick<Request, 'headers'>): Promise<Principal> {
  const header = req.headers.authorization;
  if (!header) throw new AppError(ErrorCode.Unauthorized, 'Sign in first: send your token as "Authorization: Bearer <token>".');
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new AppError(ErrorCode.Unauthorized, 'The Authorization header must be "Bearer <token>".');
  return verifyToken(auth, m[1]!);
}

/** A bearer token's principal, once its signature, issuer, audience, expiry and claims are checked. */
export async function verifyToken(auth: Authenticator, token: string): Promise<Principal> {
  let lastError: unknown;
  for (const keySet of auth.keySets) {
    try {
      const { payload } = await jwtVerify(token, keySet, { issuer: auth.issuer, audience: auth.audience });
      checkTokenLifetime(auth, payload);
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw new AppError(ErrorCode.Unauthorized, 'The token does not carry the claims this service needs (sub, name, roles).');
      return claims.data as Principal;
    } catch (e) {
      if (e instanceof AppError) throw e;
      lastError = e;
    }
  }
  if (lastError instanceof joseErrors.JWTExpired) throw new AppError(ErrorCode.Unauthorized, 'Your session has expired: sign in again.');
  if (lastError instanceof joseErrors.JWTClaimValidationFailed) {
    throw new AppError(ErrorCode.Unauthorized, `The token was not issued for this service (${lastError.claim}).`);
  }
  throw new AppError(ErrorCode.Unauthorized, 'The token could not be verified.');
}
