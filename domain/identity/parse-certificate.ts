import { X509Certificate } from 'node:crypto';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { bytesOf, children, decodeOid, decodeString, decodeTime, DerError, expect, hex, isContext, isUniversal, readTlv, Tag, valueOf, type Tlv } from './der.js';

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

export interface ParsedCertificate {
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
  subjectKeyIdentifier: string | undefined;
  authorityKeyIdentifier: string | undefined;
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

export const NAME_OIDS: Record<string, string> = Object.fromEntries(Object.entries(NAME_TYPES).map(([k, v]) => [v, k]));

function parseName(t: Tlv): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of children(expect(t, Tag.SEQUENCE, 'a name'))) {
    for (const atv of children(expect(rdn, Tag.SET, 'a relative distinguished name'))) {
      const [typ, val] = children(expect(atv, Tag.SEQUENCE, 'an attribute'));
      const oid = decodeOid(typ!);
      let value: string;
      try {
        value = decodeString(val!);
      } catch {
        value = `#${hex(bytesOf(val!))}`;
      }
      out.push({ oid, type: NAME_TYPES[oid] ?? oid, value });
    }
  }
  return out;
}

function parseKeyUsage(v: Uint8Array): KeyUsage {
  const bits = readTlv(v);
  const b = valueOf(expect(bits, Tag.BIT_STRING, 'a bit string'));
  const b0 = b[1] ?? 0;
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

/** Accepts PEM text, bare base64, or DER bytes. */
export function certificateDer(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
  const b64 = (m ? m[1]! : input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new DerError('not PEM or base64');
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

export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  try {
    const derBytes = certificateDer(input);
    const x509 = new X509Certificate(derBytes);
    const der = Buffer.from(x509.raw);
    const cert = readTlv(der);
    const [tbs] = children(expect(cert, Tag.SEQUENCE, 'a certificate'));
    const f = children(expect(tbs, Tag.SEQUENCE, 'a tbsCertificate'));
    let i = 0;
    if (f[0] && isContext(f[0], 0)) i++;
    const serial = expect(f[i++], Tag.INTEGER, 'a serial number');
    i++; // signature algorithm
    const issuer = f[i++]!;
    const validity = children(expect(f[i++], Tag.SEQUENCE, 'a validity'));
    const subject = f[i++]!;
    i++; // subjectPublicKeyInfo
    const result: ParsedCertificate = {
      x509,
      der,
      pem: toPem(der),
      subject: parseName(subject),
      issuer: parseName(issuer),
      subjectDer: Buffer.from(bytesOf(subject)),
      issuerDer: Buffer.from(bytesOf(issuer)),
      serialNumber: hex(valueOf(serial)).replace(/^(00)+(?=.)/, '').toUpperCase(),
      serialBytes: Buffer.from(valueOf(serial)),
      notBefore: decodeTime(validity[0]!),
      notAfter: decodeTime(validity[1]!),
      fingerprintSha256: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
      isCa: false,
      pathLenConstraint: undefined,
      keyUsage: undefined,
      policyOids: [],
      subjectKeyIdentifier: undefined,
      authorityKeyIdentifier: undefined,
    };
    for (; i < f.length; i++) {
      const t = f[i]!;
      if (!isContext(t, 3)) continue;
      const [exts] = children(t);
      for (const ext of children(expect(exts, Tag.SEQUENCE, 'extensions'))) {
        const parts = children(ext);
        const oid = decodeOid(parts[0]!);
        const octets = parts[parts.length - 1]!;
        const v = valueOf(expect(octets, Tag.OCTET_STRING, 'an extension value'));
        switch (oid) {
          case '2.5.29.19': {
            const bc = children(readTlv(v));
            for (const c of bc) {
              if (isUniversal(c, Tag.BOOLEAN)) result.isCa = (valueOf(c)[0] ?? 0) !== 0;
              if (isUniversal(c, Tag.INTEGER)) result.pathLenConstraint = Number.parseInt(hex(valueOf(c)) || '0', 16);
            }
            break;
          }
          case '2.5.29.15':
            result.keyUsage = parseKeyUsage(v);
            break;
          case '2.5.29.32':
            for (const pi of children(readTlv(v))) {
              const [pid] = children(pi);
              result.policyOids.push(decodeOid(pid!));
            }
            break;
          case '2.5.29.14':
            result.subjectKeyIdentifier = hex(valueOf(readTlv(v)));
            break;
          case '2.5.29.35':
            for (const c of children(readTlv(v))) if (isContext(c, 0)) result.authorityKeyIdentifier = hex(valueOf(c));
            break;
        }
      }
    }
    return result;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(
      ErrorCode.ValidationFailed,
      'The digital signature certificate could not be read. Export it again from the token (PEM or DER X.509) and retry.',
      { cause: e, details: { reason: e instanceof Error ? e.message : String(e) } },
    );
  }
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
