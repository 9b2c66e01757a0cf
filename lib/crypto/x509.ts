/**
 * X.509 certificates read with pkijs/asn1js: the facts the rules need (names, validity, extensions, the
 * revocation URLs), the exact bytes signed (tbsCertificate) and the signature's algorithm for the policy.
 */
import { verify, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { verifyParameters, type VerifyParameters } from './algorithms.js';

export interface NameAttribute {
  oid: string;
  /** Short name for the common OIDs (CN, O, OU, C, ST, L, SERIALNUMBER, …), else the OID. */
  type: string;
  value: string;
}

export interface KeyUsage {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  dataEncipherment: boolean;
  keyAgreement: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
}

export interface CertificateFacts {
  x509: X509Certificate;
  der: Buffer;
  pem: string;
  subject: NameAttribute[];
  issuer: NameAttribute[];
  /** DER of the subject and issuer Names, for exact issuer/subject comparison. */
  subjectDer: Buffer;
  issuerDer: Buffer;
  /** Serial number as upper-case hex without leading zero padding. */
  serialNumber: string;
  /** The serial's INTEGER content octets as encoded (for CMS IssuerAndSerialNumber). */
  serialBytes: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, lower-case hex without separators. */
  fingerprintSha256: string;
  isCa: boolean;
  pathLenConstraint: number | undefined;
  /** undefined when the certificate has no keyUsage extension. */
  keyUsage: KeyUsage | undefined;
  policyOids: string[];
  extendedKeyUsage: string[];
  subjectKeyIdentifier: string | undefined;
  authorityKeyIdentifier: string | undefined;
  /** HTTP(S) URLs of the CRL distribution points */
  crlUrls: string[];
  /** HTTP(S) URLs of the OCSP responders (Authority Information Access) */
  ocspUrls: string[];
  /** the signature algorithm of the issuer's signature on this certificate, and RSA-PSS's hash */
  signatureAlgorithm: string;
  signaturePssHash: string | null;
  pkijs: pkijs.Certificate;
}

export class CertificateFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CertificateFormatError';
  }
}

const NAME_TYPES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.17': 'POSTALCODE',
  '2.5.4.42': 'GN',
  '2.5.4.45': 'UID',
  '2.5.4.65': 'PSEUDONYM',
  '1.2.840.113549.1.9.1': 'E',
};

const EXT = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  certificatePolicies: '2.5.29.32',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;
const OCSP_ACCESS_METHOD = '1.3.6.1.5.5.7.48.1';

export const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** Accepts PEM text, bare base64, or DER bytes. */
export function certificateDer(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
  const b64 = (m ? m[1]! : input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new CertificateFormatError('not PEM or base64');
  return Buffer.from(b64, 'base64');
}

/** Splits a PEM bundle into its certificates. */
export function splitPemBundle(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** The text of a directory string (UTF8String, PrintableString, BMPString, …); other values as #hex. */
function stringValue(v: unknown): string {
  if (v instanceof asn1js.BaseStringBlock) return v.valueBlock.value;
  if (v instanceof asn1js.BaseBlock) return `#${hex(v.toBER())}`;
  return String(v);
}

export function nameAttributes(name: pkijs.RelativeDistinguishedNames): NameAttribute[] {
  return name.typesAndValues.map((tv) => ({ oid: tv.type, type: NAME_TYPES[tv.type] ?? tv.type, value: stringValue(tv.value) }));
}

/** The hash named by RSASSA-PSS parameters, or null when they are absent. */
export function pssHashOf(alg: pkijs.AlgorithmIdentifier): string | null {
  if (alg.algorithmId !== '1.2.840.113549.1.1.10' || !(alg.algorithmParams instanceof asn1js.Sequence)) return null;
  try {
    return new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams }).hashAlgorithm.algorithmId;
  } catch {
    return null;
  }
}

function keyUsageOf(bits: asn1js.BitString): KeyUsage {
  const b0 = bits.valueBlock.valueHexView[0] ?? 0;
  return {
    digitalSignature: (b0 & 0x80) !== 0,
    nonRepudiation: (b0 & 0x40) !== 0,
    keyEncipherment: (b0 & 0x20) !== 0,
    dataEncipherment: (b0 & 0x10) !== 0,
    keyAgreement: (b0 & 0x08) !== 0,
    keyCertSign: (b0 & 0x04) !== 0,
    cRLSign: (b0 & 0x02) !== 0,
  };
}

const isHttp = (u: unknown): u is string => typeof u === 'string' && /^https?:\/\//i.test(u);

/** Reads a certificate (PEM, base64 or DER); throws CertificateFormatError when it cannot. */
export function readCertificate(input: string | Uint8Array): CertificateFacts {
  let x509: X509Certificate;
  let cert: pkijs.Certificate;
  try {
    x509 = new X509Certificate(certificateDer(input));
    cert = pkijs.Certificate.fromBER(x509.raw);
  } catch (e) {
    if (e instanceof CertificateFormatError) throw e;
    throw new CertificateFormatError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  const der = Buffer.from(x509.raw);
  const serial = Buffer.from(cert.serialNumber.valueBlock.valueHexView);
  const facts: CertificateFacts = {
    x509,
    der,
    pem: toPem(der),
    subject: nameAttributes(cert.subject),
    issuer: nameAttributes(cert.issuer),
    subjectDer: Buffer.from(cert.subject.valueBeforeDecode),
    issuerDer: Buffer.from(cert.issuer.valueBeforeDecode),
    serialNumber: serial.toString('hex').replace(/^(00)+(?=.)/, '').toUpperCase(),
    serialBytes: serial,
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    fingerprintSha256: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
    isCa: false,
    pathLenConstraint: undefined,
    keyUsage: undefined,
    policyOids: [],
    extendedKeyUsage: [],
    subjectKeyIdentifier: undefined,
    authorityKeyIdentifier: undefined,
    crlUrls: [],
    ocspUrls: [],
    signatureAlgorithm: cert.signatureAlgorithm.algorithmId,
    signaturePssHash: pssHashOf(cert.signatureAlgorithm),
    pkijs: cert,
  };
  for (const ext of cert.extensions ?? []) {
    const v: unknown = ext.parsedValue;
    switch (ext.extnID) {
      case EXT.basicConstraints:
        if (v instanceof pkijs.BasicConstraints) {
          facts.isCa = v.cA === true;
          if (v.pathLenConstraint !== undefined) facts.pathLenConstraint = typeof v.pathLenConstraint === 'number' ? v.pathLenConstraint : v.pathLenConstraint.valueBlock.valueDec;
        }
        break;
      case EXT.keyUsage:
        if (v instanceof asn1js.BitString) facts.keyUsage = keyUsageOf(v);
        break;
      case EXT.certificatePolicies:
        if (v instanceof pkijs.CertificatePolicies) facts.policyOids = v.certificatePolicies.map((p) => p.policyIdentifier);
        break;
      case EXT.extKeyUsage:
        if (v instanceof pkijs.ExtKeyUsage) facts.extendedKeyUsage = v.keyPurposes;
        break;
      case EXT.subjectKeyIdentifier:
        if (v instanceof asn1js.OctetString) facts.subjectKeyIdentifier = hex(v.valueBlock.valueHexView);
        break;
      case EXT.authorityKeyIdentifier:
        if (v instanceof pkijs.AuthorityKeyIdentifier && v.keyIdentifier) facts.authorityKeyIdentifier = hex(v.keyIdentifier.valueBlock.valueHexView);
        break;
      case EXT.crlDistributionPoints:
        if (v instanceof pkijs.CRLDistributionPoints) {
          for (const dp of v.distributionPoints) {
            const names = Array.isArray(dp.distributionPoint) ? dp.distributionPoint : [];
            for (const n of names) if (n.type === 6 && isHttp(n.value)) facts.crlUrls.push(n.value);
          }
        }
        break;
      case EXT.authorityInfoAccess:
        if (v instanceof pkijs.InfoAccess) {
          for (const ad of v.accessDescriptions) {
            if (ad.accessMethod === OCSP_ACCESS_METHOD && ad.accessLocation.type === 6 && isHttp(ad.accessLocation.value)) facts.ocspUrls.push(ad.accessLocation.value);
          }
        }
        break;
    }
  }
  return facts;
}

export function attributeValues(name: NameAttribute[], oid: string): string[] {
  return name.filter((a) => a.oid === oid).map((a) => a.value);
}

export function commonName(name: NameAttribute[]): string | undefined {
  return attributeValues(name, '2.5.4.3')[0];
}

/** RFC 4514-style one-line rendering, most significant first as stored (C=IN, O=…, CN=…). */
export function formatName(name: NameAttribute[]): string {
  return name.map((a) => `${a.type}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`).join(', ');
}

/**
 * Whether `parent`'s key made the signature on `child`, under the algorithm policy (throws
 * AlgorithmRefused for SHA-1, MD5 and unknown algorithms): the signed bytes are the certificate's own.
 */
export function isSignedBy(child: CertificateFacts, parent: CertificateFacts): boolean {
  const p = verifyParameters(child.signatureAlgorithm, { pssHashOid: child.signaturePssHash });
  return verifyWithParameters(p, child.pkijs.tbsView, parent.x509.publicKey, child.pkijs.signatureValue.valueBlock.valueHexView);
}

/** node:crypto's verify with the parameters the policy gave; false (not an exception) for a bad signature. */
export function verifyWithParameters(p: VerifyParameters, data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return verify(
      p.digest,
      data,
      p.dsaEncoding ? { key, dsaEncoding: p.dsaEncoding } : p.padding !== undefined ? { key, padding: p.padding, saltLength: p.saltLength ?? 0 } : key,
      signature,
    );
  } catch {
    return false;
  }
}
