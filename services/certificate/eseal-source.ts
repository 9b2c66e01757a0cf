import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OfficeEsealRow } from '../../db/entities/index.js';
import type { CertificateSettings, CodecKeys } from '../../lib/config.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { openSecret } from '../../lib/sealed-secret.js';

import { createP12Signer, type CmsSigner } from '../pdf/sign-pdf.js';

const OFFICE_CODE = /^[A-Z0-9]{2,10}(?:-[A-Z0-9]{2,10})*$/;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * The office has no e-seal (as opposed to one that cannot be opened): an `eseal_missing` refusal, on which
 * the application workflow holds the file in Approved Pending Issuance until one is uploaded.
 */
export class NoEsealError extends AppError {
  constructor(message: string, officeCode: string) {
    super(ErrorCode.EsealMissing, message, { details: { missing: [{ kind: 'eseal', owner: officeCode }] } });
    this.name = 'NoEsealError';
  }
}

export interface EsealSourceDeps {
  settings: CertificateSettings['eseal'];
  /** the e-seals uploaded by the agencies' administrators (`office_eseal`) */
  em: () => EntityManager;
  /** the keyring they are sealed with (config.temporal.codec) */
  keys: CodecKeys;
}

/**
 * Each office's e-seal (PKCS#12), opened once and kept: the one the agency's administrator uploaded
 * (`office_eseal`, read at every call so a new upload applies to the next signature), else the per-office
 * variable, ESEAL_DIR, then (outside production) the test PKI.
 */
export function createEsealSource(deps: EsealSourceDeps) {
  const { settings } = deps;
  const signers = new Map<string, CmsSigner>();
  async function uploaded(officeCode: string): Promise<CmsSigner | undefined> {
    const em = deps.em();
    const row = await em.findOne(OfficeEsealRow, { officeCode }, { fields: ['serialNumber', 'uploadedAt'] });
    if (!row) return undefined;
    const key = `db/${officeCode}/${row.serialNumber}/${row.uploadedAt.getTime()}`;
    const cached = signers.get(key);
    if (cached) return cached;
    const full = await deps.em().findOneOrFail(OfficeEsealRow, { officeCode }, { populate: ['sealedP12', 'sealedPassword'] });
    const owner = `eseal:${officeCode}`;
    const signer = createP12Signer({
      p12: await openSecret(deps.keys, owner, full.sealedP12),
      password: await openSecret(deps.keys, owner, full.sealedPassword),
      label: `e-seal ${officeCode}`,
    });
    for (const k of signers.keys()) if (k.startsWith(`db/${officeCode}/`)) signers.delete(k);
    signers.set(key, signer);
    return signer;
  }
  return {
    async signerFor(officeCode: string): Promise<CmsSigner> {
      if (!OFFICE_CODE.test(officeCode)) throw new Error(`"${officeCode}" is not an office code.`);
      const fromDb = await uploaded(officeCode);
      if (fromDb) return fromDb;
      const cached = signers.get(officeCode);
      if (cached) return cached;
      const env = settings.perOffice[officeCode];
      let p12: Buffer | string | undefined = env?.p12Base64;
      let source = `ESEAL_P12_BASE64_${officeCode.replace(/-/g, '_')}`;
      const candidates = [
        ...(settings.dir ? [path.join(settings.dir, `${officeCode}.p12`)] : []),
        ...(settings.devPkiDir ? [path.join(settings.devPkiDir, `eseal-${officeCode}.p12`)] : []),
      ];
      for (const file of p12 === undefined ? candidates : []) {
        if (await exists(file)) {
          p12 = await readFile(file);
          source = file;
          break;
        }
      }
      if (p12 === undefined) {
        throw new NoEsealError(
          `Office ${officeCode} has no e-seal to sign certificates with: the agency's administrator uploads it (PUT /v1/offices/${officeCode}/eseal), ` +
            `or put ${officeCode}.p12 in ESEAL_DIR${settings.dir ? ` (${settings.dir})` : ''} or set ESEAL_P12_BASE64_${officeCode.replace(/-/g, '_')}` +
            (settings.devPkiDir ? `; for development, the test PKI (npx tsx scripts/pki/test-pki.ts ${settings.devPkiDir}) has e-seals for some offices.` : '.') +
            ' The file is issued as soon as it is there.',
          officeCode,
        );
      }
      const password = env?.password ?? settings.password;
      if (password === undefined) throw new Error(`The e-seal of office ${officeCode} (${source}) needs its password: set ESEAL_P12_PASSWORD.`);
      const signer = createP12Signer({ p12, password, label: `e-seal ${officeCode}` });
      signers.set(officeCode, signer);
      return signer;
    },
  };
}

