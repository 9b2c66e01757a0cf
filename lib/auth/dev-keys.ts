import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Principal } from './roles.js';

/**
 * A local signing key for development and tests, created once in the data folder. Production points
 * AUTH_JWKS_URL at the single-sign-on issuer and sets AUTH_DEV_KEYS=false.
 */
export interface DevKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

export async function loadOrCreateDevKey(file: string): Promise<DevKey> {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DevKey;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const key: DevKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    kid,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(key, null, 2), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file); // first writer wins if two processes race
  } catch {
    // another process created it first
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DevKey;
}

/** How long a development token is valid: 12 hours, or less when AUTH_MAX_TOKEN_LIFETIME is shorter. */
export const DEV_TOKEN_LIFETIME_SECONDS = 12 * 3600;
export function devTokenLifetimeSeconds(maxTokenLifetimeSeconds: number): number {
  return Math.max(1, Math.min(DEV_TOKEN_LIFETIME_SECONDS, Math.floor(maxTokenLifetimeSeconds)));
}

/**
 * A token for `principal`, issued now and valid for `lifetimeSeconds` (default 12 hours): `iat` and `exp`
 * come from one reading of the clock, so exp - iat is exactly the lifetime asked for.
 */
export async function mintToken(
  key: DevKey,
  principal: Principal,
  opts: { issuer: string; audience: string; lifetimeSeconds?: number },
): Promise<string> {
  const { sub, ...claims } = principal;
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject(sub)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.lifetimeSeconds ?? DEV_TOKEN_LIFETIME_SECONDS))
    .sign(await importJWK(key.privateJwk, 'ES256'));
}
