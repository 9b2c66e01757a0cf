/**
 * Verifies an S/MIME signed message: multipart/signed with an application/pkcs7-signature part
 * (detached), or application/pkcs7-mime with smime-type=signed-data (opaque). The signature is checked
 * over the exact bytes of the signed MIME part in canonical (CRLF) form, with the signed attributes
 * (content type, message digest) when present. node-forge reads the PKCS#7 structure; Node's crypto
 * checks the signature (RSA PKCS#1 v1.5 or ECDSA with SHA-256/384/512).
 *
 * Who signed is returned, not judged: the caller checks the certificate against the exporter's
 * registered DSC (and its chain, validity and IEC) with the identity rules.
 */
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { decodeBody, headerValue, parseContentType, parseEntity, splitMultipart, toCanonical, type MimeEntity } from './mime-parts.js';

export type SmimeFailureCode =
  | 'not_signed'
  | 'encrypted'
  | 'malformed'
  | 'unsupported_algorithm'
  | 'signer_certificate_missing'
  | 'content_type_mismatch'
  | 'digest_mismatch'
  | 'signature_invalid';

export interface SmimeSigner {
  certificatePem: string;
  subject: string;
  serialNumber: string;
  signingTime: Date | null;
  digestAlgorithm: string;
}

export interface SmimeVerified {
  ok: true;
  kind: 'detached' | 'opaque';
  /** the first signer's certificate: compare it with the exporter's registered DSC */
  signerCertificatePem: string;
  signers: SmimeSigner[];
  /** every certificate carried in the signature (the signer's and, usually, its chain) */
  certificatesPem: string[];
  /** the signed MIME entity, canonical CRLF: parse it for the text and attachments that were signed */
  content: Buffer;
}

export interface SmimeFailure {
  ok: false;
  code: SmimeFailureCode;
  /** in plain words, fit to show to the sender */
  message: string;
}

export type SmimeResult = SmimeVerified | SmimeFailure;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  subjectKeyIdentifier: '2.5.29.14',
};

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};
const SHA1 = '1.3.14.3.2.26';
/** signature algorithm OID → the digest it implies (null: take the SignerInfo's digest algorithm) */
const SIGNATURE_ALGORITHMS: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.2.1': null, // id-ecPublicKey, as some signers write it
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

type Asn1 = forge.asn1.Asn1;

/** forge's fromDer takes an options object (BER lengths, raw BIT STRINGs); its type declares only a boolean. */
const fromDer = forge.asn1.fromDer as unknown as (bytes: string, options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean }) => Asn1;

class Malformed extends Error {}

function fail(code: SmimeFailureCode, message: string): SmimeFailure {
  return { ok: false, code, message };
}

function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Malformed(`${what} is missing or not a structure`);
  return node.value as Asn1[];
}

function oidOf(node: Asn1 | undefined, what: string): string {
  if (!node || node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') throw new Malformed(`${what} is not an object identifier`);
  return forge.asn1.derToOid(node.value);
}

/** The bytes of a primitive value, or of a BER constructed string (chunks joined). */
function bytesOf(node: Asn1 | undefined, what: string): string {
  if (!node) throw new Malformed(`${what} is missing`);
  if (typeof node.value === 'string') return node.value;
  return (node.value as Asn1[]).map((c) => bytesOf(c, what)).join('');
}

function der(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

function isContext(node: Asn1 | undefined, tag: number): boolean {
  return !!node && node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === tag;
}

function pem(certDer: Buffer): string {
  const b64 = certDer.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

interface ParsedCert {
  der: Buffer;
  x509: X509Certificate;
  issuerDer: Buffer;
  serialHex: string;
  ski: string | null;
}

function normaliseSerial(hex: string): string {
  return hex.toLowerCase().replace(/^(00)+(?=.)/, '');
}

function parseCert(node: Asn1): ParsedCert {
  const certDer = der(node);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certDer);
  } catch {
    throw new Malformed('a certificate in the signature cannot be read');
  }
  const tbs = children(children(node, 'certificate')[0], 'certificate body');
  const offset = isContext(tbs[0], 0) ? 1 : 0;
  const serial = tbs[offset];
  const issuer = tbs[offset + 2];
  if (!serial || !issuer) throw new Malformed('a certificate in the signature is incomplete');
  let ski: string | null = null;
  const extsWrapper = tbs.find((n) => isContext(n, 3));
  if (extsWrapper) {
    for (const ext of children(children(extsWrapper, 'extensions')[0], 'extensions')) {
      const parts = children(ext, 'extension');
      if (oidOf(parts[0], 'extension id') !== OID.subjectKeyIdentifier) continue;
      const inner = forge.asn1.fromDer(bytesOf(parts[parts.length - 1], 'key identifier'));
      ski = Buffer.from(bytesOf(inner, 'key identifier'), 'binary').toString('hex');
    }
  }
  return {
    der: certDer,
    x509,
    issuerDer: der(issuer),
    serialHex: normaliseSerial(Buffer.from(bytesOf(serial, 'serial number'), 'binary').toString('hex')),
    ski,
  };
}

function parseTime(node: Asn1 | undefined): Date | null {
  if (!node || typeof node.value !== 'string') return null;
  try {
    if (node.type === forge.asn1.Type.UTCTIME) return forge.asn1.utcTimeToDate(node.value);
    if (node.type === forge.asn1.Type.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(node.value);
  } catch {
    return null;
  }
  return null;
}

/** Verifies a DER PKCS#7 SignedData over `content` (detached) or over its own encapsulated content (opaque). */
export function verifyPkcs7(p7der: Buffer, detachedContent: Buffer | null): SmimeResult {
  try {
    return verifyPkcs7Inner(p7der, detachedContent);
  } catch (e) {
    if (e instanceof Malformed) return fail('malformed', `The signature could not be read: ${e.message}.`);
    return fail('malformed', 'The signature could not be read: it is not a valid PKCS#7 structure.');
  }
}

function verifyPkcs7Inner(p7der: Buffer, detachedContent: Buffer | null): SmimeResult {
  let root: Asn1;
  try {
    root = fromDer(p7der.toString('binary'), { strict: true, parseAllBytes: false, decodeBitStrings: false });
  } catch {
    throw new Malformed('it is not valid ASN.1');
  }
  const ci = children(root, 'ContentInfo');
  const type = oidOf(ci[0], 'content type');
  if (type === OID.envelopedData || type === OID.authEnvelopedData) return fail('encrypted', 'The message is encrypted with S/MIME; send it signed but not encrypted.');
  if (type !== OID.signedData) throw new Malformed('it is not signed data');
  const sd = children(children(ci[1], 'signed data wrapper')[0], 'signed data');
  const encap = children(sd[2], 'encapsulated content');
  const eContentType = oidOf(encap[0], 'encapsulated content type');
  let content: Buffer;
  if (detachedContent) {
    content = detachedContent;
  } else {
    if (!encap[1]) throw new Malformed('the signed content is missing');
    content = Buffer.from(bytesOf(children(encap[1], 'signed content')[0], 'signed content'), 'binary');
  }
  const certs: ParsedCert[] = [];
  let signerInfosNode: Asn1 | undefined;
  for (const node of sd.slice(3)) {
    if (isContext(node, 0)) {
      // only X.509 certificates (plain SEQUENCEs); attribute or other certificate kinds are tagged
      for (const c of children(node, 'certificates')) {
        if (c.tagClass === forge.asn1.Class.UNIVERSAL) certs.push(parseCert(c));
      }
    } else if (node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === forge.asn1.Type.SET) {
      signerInfosNode = node;
    }
  }
  const signerInfos = children(signerInfosNode, 'signer information');
  if (signerInfos.length === 0) throw new Malformed('it has no signer');

  const signers: SmimeSigner[] = [];
  for (const si of signerInfos) {
    const f = children(si, 'signer');
    const sid = f[1];
    let cert: ParsedCert | undefined;
    if (isContext(sid, 0)) {
      const ski = Buffer.from(bytesOf(sid, 'signer key identifier'), 'binary').toString('hex');
      cert = certs.find((c) => c.ski === ski);
    } else {
      const [issuer, serial] = children(sid, 'signer identifier');
      if (!issuer || !serial) throw new Malformed('the signer identifier is incomplete');
      const issuerDer = der(issuer);
      const serialHex = normaliseSerial(Buffer.from(bytesOf(serial, 'serial number'), 'binary').toString('hex'));
      cert = certs.find((c) => c.serialHex === serialHex && c.issuerDer.equals(issuerDer));
    }
    if (!cert) return fail('signer_certificate_missing', "The signature does not include the signer's certificate; configure the mail program to include it when signing.");

    const digestOid = oidOf(children(f[2], 'digest algorithm')[0], 'digest algorithm');
    if (digestOid === SHA1) return fail('unsupported_algorithm', 'The message is signed with SHA-1, which is no longer accepted; sign with SHA-256.');
    const digest = DIGESTS[digestOid];
    if (!digest) return fail('unsupported_algorithm', `The message is signed with a digest algorithm that is not supported (${digestOid}).`);

    let i = 3;
    let signedAttrs: Asn1 | null = null;
    if (isContext(f[i], 0)) {
      signedAttrs = f[i] ?? null;
      i++;
    }
    const sigAlgOid = oidOf(children(f[i], 'signature algorithm')[0], 'signature algorithm');
    const sigNode = f[i + 1];
    if (!(sigAlgOid in SIGNATURE_ALGORITHMS)) {
      return fail('unsupported_algorithm', `The message is signed with a signature algorithm that is not supported (${sigAlgOid}).`);
    }
    const signature = Buffer.from(bytesOf(sigNode, 'signature value'), 'binary');
    const contentDigest = createHash(digest).update(content).digest();

    let signedBytes: Buffer;
    let signingTime: Date | null = null;
    if (signedAttrs) {
      let contentTypeOk = false;
      let messageDigest: Buffer | null = null;
      for (const attr of children(signedAttrs, 'signed attributes')) {
        const [typeNode, valuesNode] = children(attr, 'signed attribute');
        const attrType = oidOf(typeNode, 'attribute type');
        const first = children(valuesNode, 'attribute values')[0];
        if (attrType === OID.contentType) contentTypeOk = oidOf(first, 'content type attribute') === eContentType;
        if (attrType === OID.messageDigest) messageDigest = Buffer.from(bytesOf(first, 'message digest'), 'binary');
        if (attrType === OID.signingTime) signingTime = parseTime(first);
      }
      if (!contentTypeOk) return fail('content_type_mismatch', 'The signature does not state the type of the signed content.');
      if (!messageDigest || !messageDigest.equals(contentDigest)) {
        return fail('digest_mismatch', 'The message was changed after it was signed (its content does not match the signature).');
      }
      // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4), not as [0] IMPLICIT.
      const asSet = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, signedAttrs.value as Asn1[]);
      signedBytes = der(asSet);
    } else {
      if (eContentType !== OID.data) return fail('content_type_mismatch', 'The signature has no signed attributes for a content that is not plain data.');
      signedBytes = content;
    }
    let valid = false;
    try {
      valid = cryptoVerify(digest, signedBytes, cert.x509.publicKey, signature);
    } catch {
      valid = false;
    }
    if (!valid) return fail('signature_invalid', "The signature does not match the signer's certificate: the message or the signature was altered.");
    signers.push({
      certificatePem: pem(cert.der),
      subject: cert.x509.subject,
      serialNumber: cert.x509.serialNumber,
      signingTime,
      digestAlgorithm: digest,
    });
  }
  const first = signers[0];
  if (!first) throw new Malformed('it has no signer');
  return {
    ok: true,
    kind: detachedContent ? 'detached' : 'opaque',
    signerCertificatePem: first.certificatePem,
    signers,
    certificatesPem: certs.map((c) => pem(c.der)),
    content,
  };
}

export type SmimeKind = 'detached' | 'opaque' | 'encrypted' | null;

interface Located {
  kind: Exclude<SmimeKind, null>;
  entity: MimeEntity;
  /** the raw (canonical latin1) text of the entity */
  raw: string;
}

/** Finds the signed (or encrypted) entity: the message itself or, one or two levels down, a part of it. */
function locate(raw: string, depth = 0): Located | null {
  const entity = parseEntity(raw);
  const ct = parseContentType(headerValue(entity, 'content-type'));
  if (ct.mediaType === 'multipart/signed') return { kind: 'detached', entity, raw };
  if (ct.mediaType === 'application/pkcs7-mime' || ct.mediaType === 'application/x-pkcs7-mime') {
    const smimeType = (ct.params['smime-type'] ?? '').toLowerCase();
    if (smimeType === 'enveloped-data' || smimeType === 'authenveloped-data') return { kind: 'encrypted', entity, raw };
    return { kind: 'opaque', entity, raw };
  }
  if (depth < 2 && ct.mediaType.startsWith('multipart/') && ct.params.boundary) {
    for (const part of splitMultipart(entity.body, ct.params.boundary) ?? []) {
      const found = locate(part, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** Whether, and how, the message is S/MIME signed, without verifying anything. */
export function smimeKind(raw: Buffer | string): SmimeKind {
  try {
    return locate(toCanonical(raw))?.kind ?? null;
  } catch {
    return null;
  }
}

export function verifySmime(raw: Buffer | string): SmimeResult {
  const found = locate(toCanonical(raw));
  if (!found) return fail('not_signed', 'The message is not signed (no S/MIME signature found).');
  if (found.kind === 'encrypted') return fail('encrypted', 'The message is encrypted with S/MIME; send it signed but not encrypted.');
  if (found.kind === 'opaque') {
    const p7 = decodeBody(found.entity);
    if (p7.length === 0) return fail('malformed', 'The signed message is empty.');
    return verifyPkcs7(p7, null);
  }
  const ct = parseContentType(headerValue(found.entity, 'content-type'));
  const boundary = ct.params.boundary;
  if (!boundary) return fail('malformed', 'The signed message has no MIME boundary.');
  const parts = splitMultipart(found.entity.body, boundary);
  if (!parts || parts.length !== 2) return fail('malformed', `The signed message should have 2 parts (content and signature), not ${parts?.length ?? 0}.`);
  const [signedPart, signaturePart] = parts as [string, string];
  const sigEntity = parseEntity(signaturePart);
  const sigType = parseContentType(headerValue(sigEntity, 'content-type')).mediaType;
  if (sigType !== 'application/pkcs7-signature' && sigType !== 'application/x-pkcs7-signature') {
    return fail('malformed', `The second part of the signed message is ${sigType || 'untyped'}, not an S/MIME signature.`);
  }
  const p7 = decodeBody(sigEntity);
  if (p7.length === 0) return fail('malformed', 'The signature part is empty.');
  return verifyPkcs7(p7, Buffer.from(signedPart, 'latin1'));
}

/**
 * The content of an opaque signed message without checking the signature, so that a reply whose
 * signature fails can still be read and kept. Null when the message is not opaque-signed or unreadable.
 */
export function extractOpaqueContent(raw: Buffer | string): Buffer | null {
  try {
    const found = locate(toCanonical(raw));
    if (!found || found.kind !== 'opaque') return null;
    const root = fromDer(decodeBody(found.entity).toString('binary'), { strict: true, parseAllBytes: false, decodeBitStrings: false });
    const ci = children(root, 'ContentInfo');
    if (oidOf(ci[0], 'content type') !== OID.signedData) return null;
    const sd = children(children(ci[1], 'signed data wrapper')[0], 'signed data');
    const encap = children(sd[2], 'encapsulated content');
    if (!encap[1]) return null;
    return Buffer.from(bytesOf(children(encap[1], 'signed content')[0], 'signed content'), 'binary');
  } catch {
    return null;
  }
}
