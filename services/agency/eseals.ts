import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, OfficeEsealRow } from '../../db/entities/index.js';
import type { CodecKeys } from '../../lib/config.js';
import { readCertificate } from '../../lib/crypto/x509.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { sealSecret } from '../../lib/sealed-secret.js';
import { recordAudit } from '../identity/audit.js';
import { createP12Signer, type CmsSigner } from '../pdf/sign-pdf.js';
import { assertManages, type Manager } from './offices.js';

/**
 * Each office's e-seal (issue 12): the PKCS#12 (.p12) the office's certificates and tax invoices are
 * signed with, uploaded with its password by the agency's administrator. Checked before it is kept (it
 * opens with the password, holds a private key and its certificate, valid now, for signing), then stored
 * with the password, both encrypted with the platform's keyring (lib/sealed-secret.ts, owner
 * `eseal:<OFFICE>`) in `office_eseal`. Only the certificate's facts are ever shown or audited; the worker
 * signs with it from the next certificate on (services/certificate/eseal-source.ts).
 */

export interface EsealView {
  officeCode: string;
  subject: string;
  serialNumber: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** The owner an office's sealed e-seal and password are bound to. */
export const esealSecretOwner = (officeCode: string) => `eseal:${officeCode}`;

const view = (r: OfficeEsealRow): EsealView => ({
  officeCode: r.officeCode,
  subject: r.subjectCn,
  serialNumber: r.serialNumber,
  issuer: r.issuer,
  notBefore: r.notBefore.toISOString(),
  notAfter: r.notAfter.toISOString(),
  uploadedBy: r.uploadedBy,
  uploadedAt: r.uploadedAt.toISOString(),
});

const facts = (v: Pick<EsealView, 'subject' | 'serialNumber' | 'issuer' | 'notBefore' | 'notAfter'>) => ({
  subject: v.subject,
  serialNumber: v.serialNumber,
  issuer: v.issuer,
  notBefore: v.notBefore,
  notAfter: v.notAfter,
});

function refused(path: 'p12Base64' | 'password', message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path, message }] });
}

/** Opens and checks an uploaded e-seal; each problem refused with its own message. */
export function checkEseal(officeCode: string, p12Base64: string, password: string, now = new Date()): CmsSigner {
  const compact = p12Base64.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw refused('p12Base64', 'The e-seal is not base64: send the .p12 file\'s bytes base64-encoded in p12Base64.');
  let signer: CmsSigner;
  try {
    signer = createP12Signer({ p12: Buffer.from(compact, 'base64'), password, label: `e-seal ${officeCode}` });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/wrong password/i.test(message)) throw refused('password', 'The e-seal does not open with this password: wrong password.');
    if (/no private key/i.test(message)) throw refused('p12Base64', 'The PKCS#12 file holds no private key: export the e-seal with its private key.');
    if (/no certificate/i.test(message)) throw refused('p12Base64', 'The PKCS#12 file holds no certificate for its private key.');
    if (/not a readable PKCS#12/i.test(message)) throw refused('p12Base64', 'This is not a PKCS#12 (.p12/.pfx) file.');
    throw refused('p12Base64', `The e-seal cannot be used: ${message}`);
  }
  const { notBefore, notAfter, commonName } = signer.identity;
  if (now > notAfter) throw refused('p12Base64', `The e-seal's certificate (${commonName}) expired on ${notAfter.toISOString().slice(0, 10)}.`);
  if (now < notBefore) throw refused('p12Base64', `The e-seal's certificate (${commonName}) is not valid yet: only from ${notBefore.toISOString().slice(0, 10)}.`);
  const usage = readCertificate(signer.certificate.raw).keyUsage;
  if (usage && !usage.digitalSignature && !usage.nonRepudiation) {
    throw refused('p12Base64', `The e-seal's certificate (${commonName}) is not for signing: its key usage has neither digital signature nor non-repudiation.`);
  }
  return signer;
}

async function officeAgency(em: EntityManager, officeCode: string): Promise<string> {
  const office = await em.findOne(AgencyOfficeRow, { code: officeCode });
  if (!office) throw new AppError(ErrorCode.NotFound, `Office ${officeCode} is not known.`);
  return office.agencyCode;
}

export async function uploadOfficeEseal(em: EntityManager, keys: CodecKeys, m: Manager, officeCode: string, input: { p12Base64: string; password: string }): Promise<EsealView> {
  assertManages(m, await officeAgency(em, officeCode));
  const signer = checkEseal(officeCode, input.p12Base64, input.password);
  const owner = esealSecretOwner(officeCode);
  const sealedP12 = await sealSecret(keys, owner, input.p12Base64.replace(/\s+/g, ''));
  const sealedPassword = await sealSecret(keys, owner, input.password);
  const certificate = {
    subjectCn: signer.identity.commonName.slice(0, 200),
    serialNumber: signer.identity.serialNumber.slice(0, 80),
    issuer: signer.certificate.issuer.replace(/\n/g, ', ').slice(0, 300),
    notBefore: signer.identity.notBefore,
    notAfter: signer.identity.notAfter,
  };
  return em.transactional(async (tx) => {
    const existing = await tx.findOne(OfficeEsealRow, { officeCode });
    const before = existing ? facts(view(existing)) : null;
    const uploadedBy = `${m.id} (${m.name})`.slice(0, 120);
    const row = existing ?? tx.create(OfficeEsealRow, { officeCode, sealedP12, sealedPassword, ...certificate, uploadedBy, uploadedAt: new Date() });
    Object.assign(row, { sealedP12, sealedPassword, ...certificate, uploadedBy, uploadedAt: new Date() });
    const after = view(row);
    recordAudit(tx, {
      subjectType: 'office',
      subjectId: officeCode,
      action: 'eseal.uploaded',
      actor: `${m.id} (${m.name})`,
      channel: 'api',
      details: { before, after: facts(after) },
    });
    await tx.flush();
    return after;
  });
}

export async function officeEseal(em: EntityManager, m: Manager, officeCode: string): Promise<EsealView> {
  assertManages(m, await officeAgency(em, officeCode));
  const row = await em.findOne(OfficeEsealRow, { officeCode });
  if (!row) throw new AppError(ErrorCode.NotFound, `Office ${officeCode} has no e-seal uploaded.`);
  return view(row);
}
