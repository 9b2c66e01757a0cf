import { constants, createHash, timingSafeEqual, verify } from 'node:crypto';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { DIGESTS, OID, signatureDer, type DigestName } from './cms.js';
import { bytesOf, children, decodeOid, decodeTime, DerError, expect, isContext, isUniversal, readTlv, Tag, valueOf, type Tlv } from './der.js';
import { parseCertificate, toPem, type ParsedCertificate } from './parse-certificate.js';

export interface SignedAttributeValue {
  oid: string;
  /** DER of each value. */
  values: Buffer[];
}

export interface VerifiedSignature {
  signerCertificatePem: string;
  signerFingerprintSha256: string;
  /** Every certificate embedded in the signature (signer first), usable as chain intermediates. */
  certificatePems: string[];
  digestAlgorithm: DigestName;
  /** The content's digest under `digestAlgorithm`, hex. */
  contentDigest: string;
  signingTime: string | null;
  signedAttributes: SignedAttributeValue[];
}

function invalid(message: string, reason?: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.SignatureInvalid, message, {
    ...(reason ? { details: { reason } } : {}),
    ...(cause ? { cause } : {}),
  });
}

const NOT_CMS = 'The signature could not be read: a detached CMS/PKCS#7 signature (DER, base64 or PEM) is expected.';

function signatureVerifier(sigAlg: string, digest: DigestName): { algorithm: string; padding?: number; saltLength?: number; ec: boolean } {
  switch (sigAlg) {
    case OID.rsaEncryption:
      return { algorithm: digest, ec: false };
    case OID.sha256WithRsa:
      return { algorithm: 'sha256', ec: false };
    case OID.sha384WithRsa:
      return { algorithm: 'sha384', ec: false };
    case OID.sha512WithRsa:
      return { algorithm: 'sha512', ec: false };
    case OID.rsassaPss:
      return { algorithm: digest, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO, ec: false };
    case OID.ecdsaWithSha256:
      return { algorithm: 'sha256', ec: true };
    case OID.ecdsaWithSha384:
      return { algorithm: 'sha384', ec: true };
    case OID.ecdsaWithSha512:
      return { algorithm: 'sha512', ec: true };
    default:
      throw invalid('The signature uses a signature algorithm this portal does not accept.', `signature algorithm ${sigAlg}`);
  }
}

function findSigner(sid: Tlv, certs: ParsedCertificate[]): ParsedCertificate | undefined {
  if (isContext(sid, 0)) {
    const ski = Buffer.from(valueOf(sid)).toString('hex');
    return certs.find((c) => c.subjectKeyIdentifier === ski);
  }
  const [issuer, serial] = children(expect(sid, Tag.SEQUENCE, 'a signer identifier'));
  const issuerDer = Buffer.from(bytesOf(issuer!));
  const serialBytes = Buffer.from(valueOf(expect(serial, Tag.INTEGER, 'a serial number')));
  return certs.find((c) => c.issuerDer.equals(issuerDer) && c.serialBytes.equals(serialBytes));
}

/**
 * Verifies a detached CMS SignedData over `content`: the messageDigest signed attribute equals the
 * content's digest (SHA-256/384/512), the signature over the signed attributes verifies with the
 * embedded signer certificate, and contentType is id-data. Returns the signer certificate; checking that
 * certificate (verifyDsc) and that it is the acting user's registered DSC is the caller's job.
 */
export function verifyDetachedSignature(input: { signature: Uint8Array | string; content: Uint8Array | string }): VerifiedSignature {
  const bytes = signatureDer(input.signature);
  if (bytes.length === 0) throw invalid(NOT_CMS);
  let signedData: Tlv[];
  try {
    const ci = children(expect(readTlv(bytes), Tag.SEQUENCE, 'a ContentInfo'));
    if (decodeOid(ci[0]!) !== OID.signedData) throw new DerError('not SignedData');
    const wrapper = ci[1];
    if (!wrapper || !isContext(wrapper, 0)) throw new DerError('no content');
    signedData = children(expect(children(wrapper)[0], Tag.SEQUENCE, 'SignedData'));
  } catch (e) {
    throw invalid(NOT_CMS, e instanceof Error ? e.message : String(e), e);
  }

  try {
    let i = 1; // version
    i++; // digestAlgorithms
    const encap = children(expect(signedData[i++], Tag.SEQUENCE, 'encapContentInfo'));
    const content = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : Buffer.from(input.content);
    const eContent = encap[1];
    if (eContent) {
      const embedded = Buffer.from(valueOf(children(eContent)[0]!));
      if (!embedded.equals(content)) throw invalid('The signature was made over different content than this document.', 'the signature embeds other content');
    }
    const certs: ParsedCertificate[] = [];
    for (; i < signedData.length && !isUniversal(signedData[i]!, Tag.SET); i++) {
      const t = signedData[i]!;
      if (isContext(t, 0)) for (const c of children(t)) if (isUniversal(c, Tag.SEQUENCE)) certs.push(parseCertificate(bytesOf(c)));
    }
    const signerInfos = children(expect(signedData[i], Tag.SET, 'signerInfos'));
    if (signerInfos.length !== 1) throw invalid('The signature must have exactly one signer.', `${signerInfos.length} signers`);
    const si = children(expect(signerInfos[0], Tag.SEQUENCE, 'a SignerInfo'));
    let k = 1;
    const sid = si[k++]!;
    const digestOid = decodeOid(children(si[k++]!)[0]!);
    const digest = DIGESTS[digestOid];
    if (!digest) throw invalid('The signature uses a digest algorithm this portal does not accept (SHA-256 or stronger is required).', `digest ${digestOid}`);
    const signedAttrsTlv = si[k] && isContext(si[k]!, 0) ? si[k++]! : undefined;
    const sigAlg = decodeOid(children(si[k++]!)[0]!);
    const signatureValue = Buffer.from(valueOf(expect(si[k++], Tag.OCTET_STRING, 'a signature value')));

    const signer = findSigner(sid, certs);
    if (!signer) throw invalid('The signature does not contain the signer’s certificate. Sign again with the DSC token connected.', 'no signer certificate embedded');

    const contentDigest = createHash(digest).update(content).digest();
    const attributes: SignedAttributeValue[] = [];
    let signedBytes: Buffer;
    let signingTime: string | null = null;
    if (signedAttrsTlv) {
      for (const a of children(signedAttrsTlv)) {
        const [oidT, set] = children(a);
        attributes.push({ oid: decodeOid(oidT!), values: children(set!).map((v) => Buffer.from(bytesOf(v))) });
      }
      const md = attributes.find((a) => a.oid === OID.messageDigest)?.values[0];
      if (!md) throw invalid('The signature has no message digest attribute.', 'messageDigest missing');
      const mdValue = Buffer.from(valueOf(readTlv(md)));
      if (mdValue.length !== contentDigest.length || !timingSafeEqual(mdValue, contentDigest)) {
        throw invalid(
          'The signature does not match this document: the document changed after it was signed, or a different document was signed.',
          `messageDigest ${mdValue.toString('hex')} differs from ${digest} of the content ${contentDigest.toString('hex')}`,
        );
      }
      const ct = attributes.find((a) => a.oid === OID.contentType)?.values[0];
      if (!ct || decodeOid(readTlv(ct)) !== OID.data) throw invalid('The signature’s content type attribute is missing or not "data".', 'contentType');
      const st = attributes.find((a) => a.oid === OID.signingTime)?.values[0];
      if (st) signingTime = decodeTime(readTlv(st)).toISOString();
      // the signature covers the attributes as a SET OF (tag 0x31), not as the [0] IMPLICIT field
      signedBytes = Buffer.from(bytesOf(signedAttrsTlv));
      signedBytes[0] = 0x31;
    } else {
      signedBytes = content;
    }

    const v = signatureVerifier(sigAlg, digest);
    const key = signer.x509.publicKey;
    const ok = verify(
      v.algorithm,
      signedBytes,
      v.ec
        ? { key, dsaEncoding: 'der' }
        : v.padding !== undefined
          ? { key, padding: v.padding, saltLength: v.saltLength ?? constants.RSA_PSS_SALTLEN_AUTO }
          : key,
      signatureValue,
    );
    if (!ok) throw invalid('The signature is not valid: it was not made with the key of the certificate it carries, or it was altered.', 'signature value does not verify');

    return {
      signerCertificatePem: toPem(signer.der),
      signerFingerprintSha256: signer.fingerprintSha256,
      certificatePems: [signer, ...certs.filter((c) => c !== signer)].map((c) => toPem(c.der)),
      digestAlgorithm: digest,
      contentDigest: contentDigest.toString('hex'),
      signingTime,
      signedAttributes: attributes,
    };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw invalid(NOT_CMS, e instanceof Error ? e.message : String(e), e);
  }
}

/** The signer must be the acting user's registered DSC (compared by SHA-256 fingerprint). */
export function assertSignerIsActingUser(signerFingerprintSha256: string, registeredFingerprintsSha256: string[]): void {
  const norm = (f: string) => f.replace(/:/g, '').toLowerCase();
  if (!registeredFingerprintsSha256.map(norm).includes(norm(signerFingerprintSha256))) {
    throw new AppError(
      ErrorCode.SignerNotActingUser,
      'This document was signed with a digital signature certificate that is not registered to you. Sign with your own registered DSC.',
      { status: 403, details: { signerFingerprintSha256: norm(signerFingerprintSha256) } },
    );
  }
}
