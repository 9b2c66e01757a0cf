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

export async function mintToken(
  key: DevKey,
  principal: Principal,
  opts: { issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  const { sub, ...claims } = principal;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject(sub)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '12h')
    .sign(await importJWK(key.privateJwk, 'ES256'));
}
