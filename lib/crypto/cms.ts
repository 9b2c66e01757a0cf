/**
 * CMS SignedData (RFC 5652), read and built with pkijs/asn1js: the one verifier behind DSC signatures on
 * signing payloads, S/MIME mail and the certificate PDF's signature, and the one builder for what this
 * system signs. Signatures are checked (and made) with Node's crypto under the single algorithm policy
 * (./algorithms.ts); pkijs keeps the exact bytes that were signed (the signed attributes as received).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { acceptedDigest, AlgorithmRefused, OID, verifyParameters, type DigestName } from './algorithms.js';
import { hex, pssHashOf, readCertificate, verifyWithParameters, type CertificateFacts } from './x509.js';

export type CmsFailureCode =
  | 'malformed'
  | 'encrypted'
  | 'unsupported_algorithm'
  | 'signer_certificate_missing'
  | 'signer_count'
  | 'content_missing'
  | 'content_mismatch'
  | 'content_type_mismatch'
  | 'message_digest_missing'
  | 'digest_mismatch'
  | 'signature_invalid';

/** Why a CMS signature was refused: a stable code and the technical detail (not meant for the signer). */
export class CmsError extends Error {
  constructor(
    readonly code: CmsFailureCode,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'CmsError';
  }
}

export interface CmsAttribute {
  /** as asn1js writes it: dotted, except arcs beyond 2^53 (compare with {@link oidKey}) */
  oid: string;
  /** DER of each value */
  values: Buffer[];
}

export interface CmsSignerVerified {
  certificate: CertificateFacts;
  digestAlgorithm: DigestName;
  /** the content's digest under digestAlgorithm */
  contentDigest: Buffer;
  signingTime: Date | null;
  signedAttributes: CmsAttribute[];
}

export interface CmsVerified {
  signers: CmsSignerVerified[];
  /** every X.509 certificate carried (the signers' and, usually, their chains), in the order carried */
  certificates: CertificateFacts[];
  /** the signed content: the detached content given, or the encapsulated one */
  content: Buffer;
  detached: boolean;
  contentType: string;
}

/** Accepts DER bytes, base64 text, or PEM (PKCS7 / CMS armour); empty when it is none of these. */
export function cmsDer(input: Uint8Array | string): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  const m = /-----BEGIN (?:PKCS7|CMS|SIGNATURE)-----([\s\S]*?)-----END (?:PKCS7|CMS|SIGNATURE)-----/.exec(input);
  const b64 = (m ? m[1]! : input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) && !/^[A-Za-z0-9_-]+$/.test(b64)) return Buffer.alloc(0);
  return Buffer.from(b64, /[-_]/.test(b64) ? 'base64url' : 'base64');
}

function octets(v: asn1js.OctetString): Buffer {
  if (v.idBlock.isConstructed) return Buffer.concat(v.valueBlock.value.map((c) => octets(c as asn1js.OctetString)));
  return Buffer.from(v.valueBlock.valueHexView);
}

function contentInfo(der: Uint8Array): { type: string; content: unknown } {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new CmsError('malformed', `not ASN.1: ${parsed.result.error}`);
  let ci: pkijs.ContentInfo;
  try {
    ci = new pkijs.ContentInfo({ schema: parsed.result });
  } catch (e) {
    throw new CmsError('malformed', 'not a CMS ContentInfo', { cause: e });
  }
  return { type: ci.contentType, content: ci.content };
}

function signedDataOf(der: Uint8Array): pkijs.SignedData {
  const ci = contentInfo(der);
  if (ci.type === OID.envelopedData || ci.type === OID.authEnvelopedData) throw new CmsError('encrypted', 'the content is encrypted');
  if (ci.type !== OID.signedData) throw new CmsError('malformed', `not SignedData (${ci.type})`);
  try {
    return new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    throw new CmsError('malformed', `SignedData cannot be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The encapsulated content of a SignedData, unverified (null when detached or unreadable). */
export function encapsulatedContent(der: Uint8Array): Buffer | null {
  try {
    const e = signedDataOf(der).encapContentInfo.eContent;
    return e ? octets(e) : null;
  } catch {
    return null;
  }
}

function findSigner(sid: pkijs.SignerInfo['sid'], certs: CertificateFacts[]): CertificateFacts | undefined {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const issuer = Buffer.from(sid.issuer.toSchema().toBER());
    const serial = hex(sid.serialNumber.valueBlock.valueHexView).replace(/^(00)+(?=.)/, '').toUpperCase();
    return certs.find((c) => c.serialNumber === serial && (c.issuerDer.equals(issuer) || c.pkijs.issuer.isEqual(sid.issuer)));
  }
  // [0] SubjectKeyIdentifier
  const ski = sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive ? hex((sid as asn1js.Primitive).valueBlock.valueHexView ?? new Uint8Array()) : '';
  const inner = sid instanceof asn1js.Constructed && sid.valueBlock.value[0] instanceof asn1js.OctetString ? hex(sid.valueBlock.value[0].valueBlock.valueHexView) : ski;
  return certs.find((c) => c.subjectKeyIdentifier !== undefined && c.subjectKeyIdentifier === inner);
}

const attrOf = (a: pkijs.Attribute): CmsAttribute => ({ oid: a.type, values: a.values.map((v: asn1js.AsnType) => Buffer.from(v.toBER())) });

function timeOf(v: unknown): Date | null {
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) return v.toDate();
  return null;
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies a CMS SignedData: over `content` when it is detached (given), else over its encapsulated content
 * (when both are there they must be the same bytes). For each signer: the digest and signature algorithms
 * under the policy, the signer's certificate among those carried, the signed attributes (contentType equal to
 * the encapsulated type, messageDigest equal to the content's digest), then the signature. Who signed is
 * returned, not judged: the signer's certificate is the caller's to check.
 */
export function verifyCms(der: Uint8Array, options: { content?: Uint8Array | null; singleSigner?: boolean } = {}): CmsVerified {
  const sd = signedDataOf(der);
  const eContent = sd.encapContentInfo.eContent ? octets(sd.encapContentInfo.eContent) : null;
  const given = options.content ? Buffer.from(options.content) : null;
  if (given && eContent && !eContent.equals(given)) throw new CmsError('content_mismatch', 'the signature embeds other content');
  const content = given ?? eContent;
  if (!content) throw new CmsError('content_missing', 'the signed content is missing');
  const contentType = sd.encapContentInfo.eContentType;

  const certificates: CertificateFacts[] = [];
  for (const c of sd.certificates ?? []) {
    if (!(c instanceof pkijs.Certificate)) continue; // attribute and other certificate kinds are not X.509
    try {
      certificates.push(readCertificate(Buffer.from(c.toSchema().toBER())));
    } catch (e) {
      throw new CmsError('malformed', 'a certificate in the signature cannot be read', { cause: e });
    }
  }
  if (sd.signerInfos.length === 0) throw new CmsError('malformed', 'it has no signer');
  if (options.singleSigner && sd.signerInfos.length !== 1) throw new CmsError('signer_count', `${sd.signerInfos.length} signers`);

  const signers: CmsSignerVerified[] = [];
  for (const si of sd.signerInfos) {
    let digestAlgorithm: DigestName;
    try {
      digestAlgorithm = acceptedDigest(si.digestAlgorithm.algorithmId);
    } catch (e) {
      throw new CmsError('unsupported_algorithm', (e as AlgorithmRefused).reason, { cause: e });
    }
    const certificate = findSigner(si.sid, certificates);
    if (!certificate) throw new CmsError('signer_certificate_missing', 'no signer certificate embedded');
    const contentDigest = createHash(digestAlgorithm).update(content).digest();
    const signedAttributes: CmsAttribute[] = [];
    let signedBytes: Uint8Array;
    let signingTime: Date | null = null;
    if (si.signedAttrs) {
      signedAttributes.push(...si.signedAttrs.attributes.map(attrOf));
      const ct = si.signedAttrs.attributes.find((a) => a.type === OID.contentType)?.values[0];
      if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== contentType) {
        throw new CmsError('content_type_mismatch', 'the contentType attribute is missing or differs from the signed content type');
      }
      const md = si.signedAttrs.attributes.find((a) => a.type === OID.messageDigest)?.values[0];
      if (!(md instanceof asn1js.OctetString)) throw new CmsError('message_digest_missing', 'messageDigest missing');
      const mdValue = octets(md);
      if (!equal(mdValue, contentDigest)) {
        throw new CmsError('digest_mismatch', `messageDigest ${mdValue.toString('hex')} differs from ${digestAlgorithm} of the content ${contentDigest.toString('hex')}`);
      }
      signingTime = timeOf(si.signedAttrs.attributes.find((a) => a.type === OID.signingTime)?.values[0]);
      // the signature covers the attributes as received, re-tagged as a SET OF (pkijs keeps those bytes)
      signedBytes = new Uint8Array(si.signedAttrs.encodedValue);
    } else {
      if (contentType !== OID.data) throw new CmsError('content_type_mismatch', 'no signed attributes for a content that is not id-data');
      signedBytes = content;
    }
    let params;
    try {
      params = verifyParameters(si.signatureAlgorithm.algorithmId, { digest: digestAlgorithm, pssHashOid: pssHashOf(si.signatureAlgorithm) });
    } catch (e) {
      if (e instanceof AlgorithmRefused) throw new CmsError('unsupported_algorithm', e.reason, { cause: e });
      throw e;
    }
    if (!verifyWithParameters(params, signedBytes, certificate.x509.publicKey, si.signature.valueBlock.valueHexView)) {
      throw new CmsError('signature_invalid', 'signature value does not verify');
    }
    signers.push({ certificate, digestAlgorithm, contentDigest, signingTime, signedAttributes });
  }
  return { signers, certificates, content, detached: !!given && !eContent, contentType };
}

/**
 * The form in which an OID appears in {@link CmsAttribute.oid}: asn1js writes arcs beyond 2^53 (UUID-derived
 * 2.25.<uuid> OIDs) in a form of its own, so compare through this.
 */
export function oidKey(dotted: string): string {
  const parsed = asn1js.fromBER(new asn1js.ObjectIdentifier({ value: dotted }).toBER()).result;
  return parsed instanceof asn1js.ObjectIdentifier ? parsed.valueBlock.toString() : dotted;
}

/** The text of a DER directory-string attribute value (UTF8String, PrintableString, …), or null. */
export function attributeText(value: Buffer | undefined): string | null {
  if (!value) return null;
  const parsed = asn1js.fromBER(value);
  return parsed.offset !== -1 && parsed.result instanceof asn1js.BaseStringBlock ? parsed.result.valueBlock.value : null;
}

// ---- building ----

export interface ExtraSignedAttribute {
  oid: string;
  /** DER of each value */
  values: Uint8Array[];
}

export interface SignedDataInput {
  /** SHA-256 of the content */
  contentSha256: Buffer;
  /** DER certificates, the signer's first, then its chain */
  certificates: Buffer[];
  keyType: 'rsa' | 'ec';
  /** adds the signingTime attribute when given */
  signingTime?: Date | null;
  extraSignedAttributes?: ExtraSignedAttribute[];
  /** the content itself, to be carried inside (an opaque signature); detached when absent */
  encapsulate?: Buffer;
}

export interface SignedDataPlan {
  /** the DER of the signed attributes as a SET OF: what the key signs (with SHA-256) */
  toBeSigned: Buffer;
  /** the DER ContentInfo, with the signature value the key returned */
  finish(signature: Uint8Array): Buffer;
}

const algorithm = (oid: string, params?: asn1js.AsnType) => new pkijs.AlgorithmIdentifier({ algorithmId: oid, ...(params ? { algorithmParams: params } : {}) });

function attribute(oid: string, values: asn1js.AsnType[]): pkijs.Attribute {
  return new pkijs.Attribute({ type: oid, values });
}

function fromDer(der: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new CmsError('malformed', `not DER: ${parsed.result.error}`);
  return parsed.result;
}

/** Whether each certificate re-encodes byte for byte (canonical DER), so that it can be embedded unchanged. */
export function embeddable(certificates: Buffer[]): boolean {
  return certificates.every((d) => {
    try {
      return Buffer.from(pkijs.Certificate.fromBER(d).toSchema().toBER()).equals(d);
    } catch {
      return false;
    }
  });
}

/**
 * Lays out a SignedData with SHA-256 (RFC 5652, CAdES-BES shaped): signed attributes contentType,
 * messageDigest, signingCertificateV2 (RFC 5035: binds the signer's certificate) and, when asked,
 * signingTime, in DER order; the certificates embedded. The caller signs `toBeSigned` with its key
 * (here, on a token or an HSM) and calls `finish`.
 */
/**
 * The certificates a long-lived signer passes at every signature (the e-seal's chain) are parsed once: reading
 * them with pkijs costs more than the whole RSA signature.
 */
const parsedCertificates = new WeakMap<Uint8Array, pkijs.Certificate>();
function parsedCertificate(der: Uint8Array): pkijs.Certificate {
  let cert = parsedCertificates.get(der);
  if (!cert) {
    cert = pkijs.Certificate.fromBER(der);
    parsedCertificates.set(der, cert);
  }
  return cert;
}

export function planSignedData(input: SignedDataInput): SignedDataPlan {
  const [signerDer] = input.certificates;
  if (!signerDer) throw new Error('no signing certificate');
  const certs = input.certificates.map(parsedCertificate);
  const signer = certs[0]!;
  const essCertId = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: createHash('sha256').update(signerDer).digest() }),
      new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [signer.issuer.toSchema()] })] }), signer.serialNumber],
      }),
    ],
  });
  const attributes = [
    attribute(OID.contentType, [new asn1js.ObjectIdentifier({ value: OID.data })]),
    attribute(OID.messageDigest, [new asn1js.OctetString({ valueHex: input.contentSha256 })]),
    attribute(OID.signingCertificateV2, [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] })]),
    ...(input.signingTime
      ? [attribute(OID.signingTime, [input.signingTime.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: input.signingTime }) : new asn1js.GeneralizedTime({ valueDate: input.signingTime })])]
      : []),
    ...(input.extraSignedAttributes ?? []).map((a) => attribute(a.oid, a.values.map(fromDer))),
  ];
  // DER orders a SET OF by the encodings of its elements (X.690 11.6)
  const sorted = attributes
    .map((a) => ({ a, der: Buffer.from(a.toSchema().toBER()) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map((x) => x.a);
  const toBeSigned = Buffer.from(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER());
  return {
    toBeSigned,
    finish(signature) {
      const signerInfo = new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
        digestAlgorithm: algorithm(OID.sha256),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
        signatureAlgorithm: input.keyType === 'rsa' ? algorithm(OID.rsaEncryption, new asn1js.Null()) : algorithm(OID.ecdsaWithSha256),
        signature: new asn1js.OctetString({ valueHex: signature }),
      });
      const sd = new pkijs.SignedData({
        version: 1,
        digestAlgorithms: [algorithm(OID.sha256)],
        encapContentInfo: new pkijs.EncapsulatedContentInfo({
          eContentType: OID.data,
          ...(input.encapsulate ? { eContent: new asn1js.OctetString({ valueHex: input.encapsulate }) } : {}),
        }),
        certificates: certs,
        signerInfos: [signerInfo],
      });
      const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
      return Buffer.from(ci.toSchema().toBER());
    },
  };
}
