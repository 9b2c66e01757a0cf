import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import type { CertificateSettings } from '../../lib/config.js';

import { generateDevQrKeyPem, loadQrSigningKey, publicJwks, type QrSigningKey } from './qr-payload.js';

async function readPemOrCreate(file: string, generate: boolean): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (!generate) {
      throw new Error(`The QR signing key ${file} does not exist: set QR_SIGNING_KEY_FILE to an EC P-256 private key (PEM), or QR_SIGNING_KEY.`);
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, generateDevQrKeyPem(), { mode: 0o600 });
  try {
    // the API and the worker may both start on a fresh folder: the first link wins, the other reads it
    await link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await rm(tmp, { force: true });
  }
  return readFile(file, 'utf8');
}

/** The QR seal key (signing) and the key set published at /.well-known/coo-keys.json, loaded once. */
export function createQrKeySource(settings: CertificateSettings['qrKey']) {
  let loading: Promise<{ key: QrSigningKey; jwks: JSONWebKeySet }> | undefined;
  const load = async () => {
    const pem = settings.pem ?? (await readPemOrCreate(settings.file, settings.generateIfMissing));
    const key = await loadQrSigningKey(pem, settings.kid);
    const retired: JWK[] = [];
    if (settings.retiredKeysFile) {
      const set = JSON.parse(await readFile(settings.retiredKeysFile, 'utf8')) as { keys?: unknown };
      if (!Array.isArray(set.keys)) throw new Error(`QR_RETIRED_KEYS_FILE (${settings.retiredKeysFile}) is not a JSON Web Key Set ({"keys": [...]}).`);
      for (const k of set.keys as JWK[]) {
        if (k.kty !== 'EC' || k.crv !== 'P-256' || !k.kid || 'd' in k) throw new Error(`QR_RETIRED_KEYS_FILE: every key must be a public EC P-256 key with a kid.`);
        if (k.kid !== key.kid) retired.push({ kty: k.kty, crv: k.crv, x: k.x, y: k.y, kid: k.kid, alg: 'ES256', use: 'sig' } as JWK);
      }
    }
    return { key, jwks: publicJwks([key, ...retired]) };
  };
  const get = () => {
    loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
  return {
    key: async () => (await get()).key,
    jwks: async () => (await get()).jwks,
  };
}

// ---- the renderer ----
