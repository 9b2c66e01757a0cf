import type { Request } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { ROLES, type Principal } from '../../lib/auth/roles.js';
import type { DevKey } from '../../lib/auth/dev-keys.js';

/**
 * Bearer JWTs, verified against the single-sign-on issuer's JWKS and/or the local development key.
 * Roles and the caller's IEC / office come from the token's claims.
 */
export interface Authenticator {
  issuer: string;
  audience: string;
  keySets: JWTVerifyGetKey[];
}

export function createAuthenticator(opts: { issuer: string; audience: string; jwksUrl?: string | undefined; devKey?: DevKey | undefined }): Authenticator {
  const keySets: JWTVerifyGetKey[] = [];
  if (opts.jwksUrl) keySets.push(createRemoteJWKSet(new URL(opts.jwksUrl)));
  if (opts.devKey) keySets.push(createLocalJWKSet({ keys: [opts.devKey.publicJwk] }));
  return { issuer: opts.issuer, audience: opts.audience, keySets };
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

export async function authenticate(auth: Authenticator, req: Request): Promise<Principal> {
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
