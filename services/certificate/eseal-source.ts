import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CertificateSettings } from '../../lib/config.js';

import { createP12Signer, type CmsSigner } from '../pdf/sign-pdf.js';

const OFFICE_CODE = /^[A-Z0-9]{2,10}(?:-[A-Z0-9]{2,10})*$/;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The office has no e-seal configured (as opposed to one that cannot be opened). */
export class NoEsealError extends Error {
  override name = 'NoEsealError';
}

/** Each office's e-seal (PKCS#12), opened once and kept: per-office variable, ESEAL_DIR, then (outside production) the test PKI. */
export function createEsealSource(settings: CertificateSettings['eseal']) {
  const signers = new Map<string, CmsSigner>();
  return {
    async signerFor(officeCode: string): Promise<CmsSigner> {
      const cached = signers.get(officeCode);
      if (cached) return cached;
      if (!OFFICE_CODE.test(officeCode)) throw new Error(`"${officeCode}" is not an office code.`);
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
          `Office ${officeCode} has no e-seal to sign certificates with: put ${officeCode}.p12 in ESEAL_DIR` +
            `${settings.dir ? ` (${settings.dir})` : ''} or set ESEAL_P12_BASE64_${officeCode.replace(/-/g, '_')}` +
            (settings.devPkiDir ? `; for development, the test PKI (npx tsx scripts/pki/test-pki.ts ${settings.devPkiDir}) has e-seals for some offices.` : '.'),
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

